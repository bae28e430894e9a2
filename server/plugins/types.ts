/** Where a plugin package was found: bundled with localmcp, installed or linked by the user, or given by path. */
export type PluginSource = 'core' | 'user' | 'link' | 'local';

/** An npm package that says it is a localmcp plugin (its package.json has `localmcp.plugin`). */
export interface PluginCandidate {
  packageName: string;
  version?: string;
  /** The package's root directory. */
  root: string;
  /** Absolute path of the module whose default export is the definition(s). */
  entry: string;
  source: PluginSource;
  /**
   * Set when the package says it is a plugin but its manifest is broken (e.g. `localmcp.plugin` is not a path): the
   * loader then reports it as failed at `load` without importing anything, and the gateway goes on.
   */
  problem?: string;
}

/**
 * What became of one plugin at start-up, for `/readyz`, logs and the admin UI. A package that failed before its
 * definitions could be read (it threw at import) has no id, kind or name: it is reported by package.
 */
export interface PluginStatus {
  /** `kind:name`. */
  id?: string;
  package: string;
  kind?: string;
  name?: string;
  /**
   * `available`: a plugin bundled with localmcp (source `core`) that the config does not use: imported and
   * validated, but not created, so unused first-party plugins cost no start-up work and raise no warnings.
   */
  status: 'loaded' | 'available' | 'failed' | 'disabled';
  /** Why it failed: `[plugin <id>] <hook>: <message>`, without a stack. */
  error?: string;
  /** True when the config requires it, so its failure stops the gateway. */
  required: boolean;
}
