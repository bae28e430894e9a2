import type { PluginContext } from './context.js';
import type { PluginKind, PluginKinds } from './kinds.js';

/**
 * The version of this contract. The host refuses a plugin built against another major version, naming both.
 * Bump it only for a change that breaks existing plugins.
 */
export const PLUGIN_API_VERSION = 1;

// Marker set by definePlugin(); checked by value, so plugins carrying their own copy of this package still pass.
const PLUGIN_DEFINITION = Symbol.for('localmcp.plugin');

/**
 * A schema for a plugin's options: any zod (v4) schema fits. Only `safeParse` is used, so a plugin's own copy of
 * zod works too.
 */
export interface OptionsSchema<O> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: O }
    | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/** What a plugin author writes: its kind, a name, an options schema and a factory. */
export interface PluginSpec<K extends PluginKind, O> {
  kind: K;
  /** Lower-case letters, digits and dashes; with the kind it makes the id `kind:name`. */
  name: string;
  /** One line shown in `localmcp plugins` listings and the admin UI. */
  description?: string;
  /** Validates the options the user configured; omit for a plugin without options. */
  options?: OptionsSchema<O>;
  /** Builds the plugin's instance from validated options. */
  create(options: O, ctx: PluginContext): PluginKinds[K] | Promise<PluginKinds[K]>;
}

/** A plugin definition as the host receives it: the spec plus the api version and marker. */
export interface PluginDefinition<K extends PluginKind = PluginKind, O = unknown> extends PluginSpec<K, O> {
  readonly apiVersion: number;
  readonly [PLUGIN_DEFINITION]: true;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Declares a plugin. Export the result as the default export of the module named by `localmcp.plugin` in your
 * package.json (an array of definitions is fine too).
 *
 * ```ts
 * export default definePlugin({
 *   kind: 'search', name: 'hnsw', options: HnswOptionsSchema,
 *   create: (options, ctx) => ({ index(tools, { signal }) { … }, search(query, { limit, signal }) { … } }),
 * })
 * ```
 */
export function definePlugin<K extends PluginKind, O = Record<string, never>>(
  spec: PluginSpec<K, O>,
): PluginDefinition<K, O> {
  if (!NAME_PATTERN.test(spec.name)) {
    throw new TypeError(`plugin name "${spec.name}" must match ${NAME_PATTERN}`);
  }
  return { ...spec, apiVersion: PLUGIN_API_VERSION, [PLUGIN_DEFINITION]: true };
}

/** True for a value made by definePlugin() of any copy of this package. */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_DEFINITION] === true;
}

/** The id of a plugin: `kind:name`. */
export function pluginId(plugin: { kind: string; name: string }): string {
  return `${plugin.kind}:${plugin.name}`;
}

/**
 * The `localmcp` field of a plugin package's package.json. Its presence is what makes an npm package a localmcp
 * plugin; `plugin` is the module (relative to the package root) whose default export is the definition(s).
 */
export interface PluginPackageManifest {
  plugin: string;
}
