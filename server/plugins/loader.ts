import { pathToFileURL } from 'node:url';
import { ErrorCodes, PluginError, pluginId, wrapPluginError } from '@localmcp/plugin-api';
import type { PluginCache, PluginDefinition, PluginLogger } from '@localmcp/plugin-api';
import { MemoryPluginCache, namespacedCache } from './cache.js';
import { createInstance, definitionsOf, describedId, validateDefinition } from './definition.js';
import { PluginMetricsStore } from './metrics.js';
import { PluginRegistry } from './registry.js';
import type { LoadedPlugin } from './registry.js';
import type { PluginCandidate, PluginStatus } from './types.js';

/** How to load the plugins found: what the config requires, disables and passes, and the host services. */
export interface LoadPluginsOptions {
  /** Plugin ids (`kind:name`) or package names that must load: if one fails or is absent, loadPlugins rejects. */
  required?: readonly string[];
  /** Plugin ids or package names not to create (a disabled package is not even imported). */
  disabled?: readonly string[];
  /**
   * Plugin ids the config uses (discovery.embedder, discovery.backend, ...). Plugins bundled with localmcp
   * (source `core`) are created only when used, required or given options; installed and linked ones always.
   */
  used?: readonly string[];
  /** Options per plugin id. A plugin with none configured is given `{}`, so its schema's defaults apply. */
  options?: Readonly<Record<string, unknown>>;
  /** Each plugin gets `logger.child({ plugin: id })`; failures are logged here at warn. */
  logger: PluginLogger;
  /** Where plugins' metrics go; a fresh store by default. */
  metrics?: PluginMetricsStore;
  /** The shared cache; each plugin sees its own namespace of it. An in-memory cache by default. */
  cache?: PluginCache;
}

interface Slot {
  status: PluginStatus;
  plugin?: LoadedPlugin;
  failure?: PluginError;
}

type Imported = { definitions: unknown[] } | { error: PluginError };

async function importCandidate(candidate: PluginCandidate): Promise<Imported> {
  const pkg = candidate.packageName;
  if (candidate.problem !== undefined) {
    return { error: new PluginError(ErrorCodes.PLUGIN_INVALID, pkg, 'load', candidate.problem) };
  }
  try {
    const module = (await import(pathToFileURL(candidate.entry).href)) as Record<string, unknown>;
    return { definitions: definitionsOf(module, pkg) };
  } catch (error) {
    return { error: wrapPluginError(pkg, 'load', error) };
  }
}

/** The message of a PluginError without its `[plugin id] hook: ` prefix. */
function reasonOf(error: PluginError): string {
  const prefix = `[plugin ${error.plugin}] ${error.hook}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Imports, validates and creates every candidate's plugins, and returns them in a {@link PluginRegistry}. A plugin
 * that fails (at `load`, `options` or `create`) is logged by name and hook and recorded as failed; the others load
 * anyway. Rejects with PLUGIN_LOAD_FAILED when a required plugin failed (or is disabled), and with
 * PLUGIN_REQUIRED_MISSING when no candidate provides a required id; plugins already created are closed first.
 * When two candidates define the same id the first wins and the other is recorded as failed.
 */
export async function loadPlugins(
  candidates: readonly PluginCandidate[],
  options: LoadPluginsOptions,
): Promise<PluginRegistry> {
  const { logger } = options;
  const required = new Set(options.required ?? []);
  const disabled = new Set(options.disabled ?? []);
  const used = new Set(options.used ?? []);
  const wanted = (candidate: PluginCandidate, id: string) =>
    candidate.source !== 'core' ||
    used.has(id) ||
    isRequired(candidate.packageName, id) ||
    options.options?.[id] !== undefined;
  const isRequired = (pkg: string, id?: string) => required.has(pkg) || (id !== undefined && required.has(id));
  const controller = new AbortController();
  const metrics = options.metrics ?? new PluginMetricsStore();
  const cache = options.cache ?? new MemoryPluginCache();

  const fail = (slot: Slot, error: PluginError): void => {
    slot.failure = error;
    slot.status = { ...slot.status, status: 'failed', error: error.message };
    logger.warn(
      { plugin: error.plugin, package: slot.status.package, hook: error.hook, code: error.code },
      error.message,
    );
  };
  const skip = (pkg: string, id: string | undefined): Slot => {
    logger.info({ plugin: id ?? pkg, package: pkg }, 'plugin disabled by the config');
    return { status: { ...idFields(id), package: pkg, status: 'disabled', required: isRequired(pkg, id) } };
  };

  // Import everything at once; candidate order decides only which of two equal ids wins.
  const imported = await Promise.all(
    candidates.map((c) => (disabled.has(c.packageName) ? undefined : importCandidate(c))),
  );

  const slots: Slot[] = [];
  const toCreate: Array<{ slot: Slot; def: PluginDefinition }> = [];
  // Every valid definition that won its id, loaded or not: PluginRegistry.create() makes more instances from them.
  const definitions = new Map<string, { def: PluginDefinition; package: string }>();
  const claimedBy = new Map<string, string>();
  for (const [index, candidate] of candidates.entries()) {
    const pkg = candidate.packageName;
    const result = imported[index];
    if (result === undefined) {
      slots.push(skip(pkg, undefined));
      continue;
    }
    if ('error' in result) {
      const slot: Slot = { status: { package: pkg, status: 'failed', required: isRequired(pkg) } };
      fail(slot, result.error);
      slots.push(slot);
      continue;
    }
    for (const value of result.definitions) {
      const described = describedId(value);
      const slot: Slot = {
        status: { ...idFields(described), package: pkg, status: 'failed', required: isRequired(pkg, described) },
      };
      slots.push(slot);
      let def: PluginDefinition;
      try {
        def = validateDefinition(value, pkg);
      } catch (error) {
        fail(slot, wrapPluginError(described ?? pkg, 'load', error));
        continue;
      }
      const id = pluginId(def);
      if (disabled.has(id)) {
        slots[slots.length - 1] = skip(pkg, id);
        continue;
      }
      const owner = claimedBy.get(id);
      if (owner !== undefined) {
        // The id is provided by the first package; this copy fails only if its own package is required.
        slot.status.required = required.has(pkg);
        const where =
          owner === pkg ? `${pkg} defines it twice` : `${owner} already provides it, so the one in ${pkg} is ignored`;
        fail(
          slot,
          new PluginError(
            ErrorCodes.PLUGIN_INVALID,
            id,
            'load',
            `duplicate plugin id: ${where}; uninstall one of them`,
          ),
        );
        continue;
      }
      claimedBy.set(id, pkg);
      definitions.set(id, { def, package: pkg });
      if (!wanted(candidate, id)) {
        slot.status = { ...slot.status, status: 'available' };
        continue;
      }
      toCreate.push({ slot, def });
    }
  }

  await Promise.all(
    toCreate.map(async ({ slot, def }) => {
      const id = pluginId(def);
      try {
        const instance = await createInstance(def, id, options.options?.[id] ?? {}, {
          id,
          logger: logger.child({ plugin: id }),
          metrics: metrics.forPlugin(id),
          cache: namespacedCache(cache, id),
          signal: controller.signal,
        });
        slot.plugin = { id, kind: def.kind, name: def.name, package: slot.status.package, instance };
        slot.status = { ...slot.status, status: 'loaded' };
        logger.info({ plugin: id, package: slot.status.package }, 'plugin loaded');
      } catch (error) {
        fail(slot, error as PluginError);
      }
    }),
  );

  const registry = new PluginRegistry({
    plugins: slots.flatMap((s) => (s.plugin ? [s.plugin] : [])),
    statuses: slots.map((s) => s.status),
    logger,
    metrics,
    controller,
    definitions,
    cache,
  });
  const problem = requiredProblem(required, slots);
  if (problem) {
    await registry.close();
    throw problem;
  }
  return registry;
}

function idFields(id: string | undefined): Pick<PluginStatus, 'id' | 'kind' | 'name'> {
  if (id === undefined) return {};
  const colon = id.indexOf(':');
  return { id, kind: id.slice(0, colon), name: id.slice(colon + 1) };
}

/** The error that stops start-up because of `required`, or undefined. */
function requiredProblem(required: ReadonlySet<string>, slots: readonly Slot[]): PluginError | undefined {
  const failed = slots.filter((s) => s.status.required && s.status.status !== 'loaded');
  const missing = [...required].filter((r) => !slots.some((s) => s.status.id === r || s.status.package === r));
  const missingNote = missing.length > 0 ? `; also required but not installed: ${missing.join(', ')}` : '';
  const first = failed[0];
  if (first) {
    const others = failed.slice(1).map((s) => s.status.error ?? `${s.status.id ?? s.status.package} is disabled`);
    const why = first.failure ? `failed: ${reasonOf(first.failure)}` : 'is also disabled by it';
    return new PluginError(
      ErrorCodes.PLUGIN_LOAD_FAILED,
      first.status.id ?? first.status.package,
      first.failure?.hook ?? 'load',
      `required by the config, but ${why}${others.length > 0 ? `; also failed: ${others.join('; ')}` : ''}${missingNote}`,
      { cause: first.failure, data: { required: failed.map((s) => s.status.id ?? s.status.package), missing } },
    );
  }
  const [absent, ...rest] = missing;
  if (absent === undefined) return undefined;
  const brokenPackages = slots.filter((s) => s.failure && s.status.id === undefined).map((s) => s.status.error);
  const hint =
    '; install the package that provides it with `localmcp plugins install <package>`' +
    (brokenPackages.length > 0
      ? `; these plugin packages failed before saying what they provide: ${brokenPackages.join('; ')}`
      : '');
  return new PluginError(
    ErrorCodes.PLUGIN_REQUIRED_MISSING,
    absent,
    'load',
    `required by the config, but no installed plugin provides it${rest.length > 0 ? ` (nor ${rest.join(', ')})` : ''}${hint}`,
    { data: { missing } },
  );
}
