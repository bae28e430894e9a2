import {
  ErrorCodes,
  PLUGIN_API_VERSION,
  PLUGIN_KINDS,
  PluginError,
  isPluginDefinition,
  wrapPluginError,
} from '@localmcp/plugin-api';
import type { PluginContext, PluginDefinition, PluginKind, PluginKinds } from '@localmcp/plugin-api';

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** What a member of an instance must be: a method, or a property of a primitive type. */
type MemberType = 'function' | 'string' | 'number';

/**
 * The members each kind's instance must have (see PluginKinds in plugins/api); checked after create() so a plugin
 * returning the wrong shape fails at start-up, by name, rather than on the first request. Optional members
 * (persist, load, close, stream) are not checked. A kind missing here is only checked to be an object.
 */
const REQUIRED_MEMBERS: Partial<Record<PluginKind, Readonly<Record<string, MemberType>>>> = {
  provider: { chat: 'function' },
  embedder: { embed: 'function', id: 'string', dimensions: 'number' },
  search: { upsert: 'function', remove: 'function', search: 'function', size: 'function' },
  breaker: { createPolicy: 'function' },
};

/** `upsert()`, `id (a string)`: how a missing member is named in the error. */
function describeMember(name: string, type: MemberType): string {
  return type === 'function' ? `${name}()` : `${name} (a ${type})`;
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

/** `kind:name` when the value has both as strings, else undefined: used to name a plugin before it is validated. */
export function describedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, name } = value as { kind?: unknown; name?: unknown };
  return typeof kind === 'string' && typeof name === 'string' ? `${kind}:${name}` : undefined;
}

/**
 * The definitions a plugin module exports: its default export, one definition or an array of them. A definition
 * is recognised by the `Symbol.for('localmcp.plugin')` marker, so a plugin written without the api package
 * declares itself with `[Symbol.for('localmcp.plugin')]: true` and `apiVersion: 1`.
 */
export function definitionsOf(module: Record<string, unknown>, packageName: string): unknown[] {
  const exported = module['default'];
  const values = Array.isArray(exported) ? exported : [exported];
  if (values.length === 0 || !values.every(isPluginDefinition)) {
    throw new PluginError(
      ErrorCodes.PLUGIN_INVALID,
      packageName,
      'load',
      'the default export is not a plugin definition (or an array of them): export the result of definePlugin(), ' +
        "or an object with [Symbol.for('localmcp.plugin')]: true and apiVersion: " +
        String(PLUGIN_API_VERSION),
    );
  }
  return values;
}

/** Checks a definition against this host's contract; throws a PluginError naming what is wrong. */
export function validateDefinition(value: unknown, packageName: string): PluginDefinition {
  const def = value as Partial<PluginDefinition> & Record<string, unknown>;
  const id = describedId(def) ?? packageName;
  const invalid = (message: string) => new PluginError(ErrorCodes.PLUGIN_INVALID, id, 'load', message);
  if (def.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginError(
      ErrorCodes.PLUGIN_API_MISMATCH,
      id,
      'load',
      `built for plugin api version ${String(def.apiVersion)}, but this localmcp speaks plugin api version ` +
        `${PLUGIN_API_VERSION}; install a release of ${packageName} made for plugin api ${PLUGIN_API_VERSION}`,
      { data: { pluginApiVersion: def.apiVersion, hostApiVersion: PLUGIN_API_VERSION } },
    );
  }
  if (typeof def.kind !== 'string' || !(PLUGIN_KINDS as readonly string[]).includes(def.kind)) {
    throw invalid(`unknown kind ${JSON.stringify(def.kind)}; the kinds are ${PLUGIN_KINDS.join(', ')}`);
  }
  if (typeof def.name !== 'string' || !NAME_PATTERN.test(def.name)) {
    throw invalid(`name ${JSON.stringify(def.name)} must match ${String(NAME_PATTERN)}`);
  }
  if (typeof def.create !== 'function') throw invalid('create is not a function');
  if (def.options !== undefined && typeof def.options?.safeParse !== 'function') {
    throw invalid('options must be a schema with safeParse() (a zod schema, for instance)');
  }
  return def as PluginDefinition;
}

/** Runs the definition's options schema; PLUGIN_OPTIONS_INVALID lists every issue as `path: message`. */
export function parseOptions(def: PluginDefinition, id: string, value: unknown): unknown {
  if (!def.options) return value;
  const result = def.options.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => String(p)).join('.');
    return `${path === '' ? '(options)' : path}: ${issue.message}`;
  });
  throw new PluginError(ErrorCodes.PLUGIN_OPTIONS_INVALID, id, 'options', `invalid options: ${issues.join('; ')}`, {
    data: { issues },
  });
}

/** Checks what create() returned has the members its kind needs (methods, and an embedder's id and dimensions). */
export function checkInstance(kind: PluginKind, id: string, instance: unknown): void {
  if (typeof instance !== 'object' || instance === null) {
    throw new PluginError(
      ErrorCodes.PLUGIN_INVALID,
      id,
      'create',
      `create() returned ${String(instance)}, not an object`,
    );
  }
  const missing = Object.entries(REQUIRED_MEMBERS[kind] ?? {})
    .filter(([name, type]) => typeof (instance as Record<string, unknown>)[name] !== type)
    .map(([name, type]) => describeMember(name, type));
  if (missing.length > 0) {
    const article = /^[aeiou]/.test(kind) ? 'an' : 'a';
    throw new PluginError(
      ErrorCodes.PLUGIN_INVALID,
      id,
      'create',
      `${article} ${kind} plugin must have ${listOf(missing)}`,
    );
  }
}

/** Validates options, calls create() and checks the instance; every throw comes out a PluginError. */
export async function createInstance(def: PluginDefinition, id: string, rawOptions: unknown, ctx: PluginContext) {
  let parsed: unknown;
  try {
    parsed = parseOptions(def, id, rawOptions);
  } catch (error) {
    throw wrapPluginError(id, 'options', error);
  }
  let instance: unknown;
  try {
    instance = await def.create(parsed, ctx);
  } catch (error) {
    throw wrapPluginError(id, 'create', error);
  }
  try {
    checkInstance(def.kind, id, instance);
  } catch (error) {
    // Best effort: do not leak what a half-right plugin opened. Its close error would only hide the real one.
    await (async () => (instance as { close?: () => unknown } | null)?.close?.())().catch(() => undefined);
    throw error;
  }
  return instance as PluginKinds[PluginKind];
}
