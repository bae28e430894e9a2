/**
 * Every error code localmcp raises, in one place. Codes are stable strings: match on them, not on messages.
 * Local errors (these) never cross the MCP wire as-is; the gateway's edge turns them into JSON-RPC errors,
 * HTTP statuses or CLI exits with a readable message.
 */
export const ErrorCodes = {
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  CONFIG_PARSE_FAILED: 'CONFIG_PARSE_FAILED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_ENV_MISSING: 'CONFIG_ENV_MISSING',
  UPSTREAM_START_FAILED: 'UPSTREAM_START_FAILED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  TOOL_NOT_FOUND: 'TOOL_NOT_FOUND',
  INVALID_ARGUMENTS: 'INVALID_ARGUMENTS',
  PROMPT_NOT_FOUND: 'PROMPT_NOT_FOUND',
  RESOURCE_NOT_FOUND: 'RESOURCE_NOT_FOUND',
  INSECURE_BIND: 'INSECURE_BIND',
  PLUGIN_LOAD_FAILED: 'PLUGIN_LOAD_FAILED',
  PLUGIN_INVALID: 'PLUGIN_INVALID',
  PLUGIN_API_MISMATCH: 'PLUGIN_API_MISMATCH',
  PLUGIN_OPTIONS_INVALID: 'PLUGIN_OPTIONS_INVALID',
  PLUGIN_HOOK_FAILED: 'PLUGIN_HOOK_FAILED',
  PLUGIN_REQUIRED_MISSING: 'PLUGIN_REQUIRED_MISSING',
  INIT_FILE_EXISTS: 'INIT_FILE_EXISTS',
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  KEY_STORE_FAILED: 'KEY_STORE_FAILED',
  SCOPE_INVALID: 'SCOPE_INVALID',
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
  PROVIDER_REQUEST_FAILED: 'PROVIDER_REQUEST_FAILED',
  PROVIDER_TIMEOUT: 'PROVIDER_TIMEOUT',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  CONTEXT_TOO_LARGE: 'CONTEXT_TOO_LARGE',
  PLAN_INVALID: 'PLAN_INVALID',
  REFERENCE_UNRESOLVED: 'REFERENCE_UNRESOLVED',
  AGENT_STEP_LIMIT: 'AGENT_STEP_LIMIT',
  AGENT_CANCELLED: 'AGENT_CANCELLED',
  SAMPLING_FAILED: 'SAMPLING_FAILED',
} as const;

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

// A registered symbol, so an error made by another copy of this package (a plugin bundling its own api) still
// passes isLocalmcpError(): `instanceof` would fail across copies.
const LOCALMCP_ERROR = Symbol.for('localmcp.error');

/** Options of {@link LocalmcpError}: the underlying cause and structured data for logs and clients. */
export interface LocalmcpErrorOptions {
  cause?: unknown;
  data?: Record<string, unknown>;
}

/** The gateway's error: a stable code, a message for people, optional cause and data. */
export class LocalmcpError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | undefined;
  readonly [LOCALMCP_ERROR] = true;

  constructor(code: ErrorCode, message: string, options: LocalmcpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LocalmcpError';
    this.code = code;
    this.data = options.data;
  }
}

/** True for any LocalmcpError, whichever copy of the api package made it. */
export function isLocalmcpError(error: unknown): error is LocalmcpError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[LOCALMCP_ERROR] === true;
}

/** The hooks the host calls on a plugin; used to say where a plugin failed. */
export type PluginHook = 'load' | 'options' | 'create' | (string & {});

/** An error raised by (or about) a plugin, carrying the plugin's id (`kind:name`) and the hook that failed. */
export class PluginError extends LocalmcpError {
  readonly plugin: string;
  readonly hook: PluginHook;

  constructor(code: ErrorCode, plugin: string, hook: PluginHook, message: string, options: LocalmcpErrorOptions = {}) {
    super(code, `[plugin ${plugin}] ${hook}: ${message}`, {
      ...options,
      data: { ...options.data, plugin, hook },
    });
    this.name = 'PluginError';
    this.plugin = plugin;
    this.hook = hook;
  }
}

/** True for a PluginError from any copy of the api package. */
export function isPluginError(error: unknown): error is PluginError {
  return isLocalmcpError(error) && typeof (error as PluginError).plugin === 'string';
}

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/**
 * Re-wraps whatever a plugin hook threw as a PluginError naming the plugin and hook, so a failure deep in a
 * third-party package is reported by who and where. An error that already is a PluginError passes unchanged.
 */
export function wrapPluginError(plugin: string, hook: PluginHook, error: unknown): PluginError {
  if (isPluginError(error)) return error;
  return new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, plugin, hook, errorMessage(error), { cause: error });
}
