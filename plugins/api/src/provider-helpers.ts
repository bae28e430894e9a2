import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { PluginContext, PluginLogger } from './context.js';
import { ErrorCodes, PluginError, errorMessage } from './errors.js';
import type { ChatMessage, ProviderErrorData, ToolCall } from './kinds.js';

/** Where a provider plugin reads its API key: a file (wins) or an environment variable. Never the config itself. */
export interface ApiKeySource {
  apiKeyEnv: string;
  apiKeyFile?: string;
}

function resolveUserPath(path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(process.env.HOME || homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(path);
}

/**
 * Reads an API key from `apiKeyFile` when set, else from the environment variable `apiKeyEnv`. Fails with a
 * PluginError (hook `create`) naming the variable or file, never the key; a key file others can read is logged as
 * a warning. With `optional`, a missing variable gives undefined (local servers that need no key).
 */
export async function readApiKey(
  source: ApiKeySource,
  ctx: Pick<PluginContext, 'id' | 'logger'>,
  /** `missingHint`: added to the error for a missing variable (e.g. that a local server takes any value). */
  options: { optional?: boolean; missingHint?: string } = {},
): Promise<string | undefined> {
  const fail = (message: string, cause?: unknown) =>
    new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, ctx.id, 'create', message, { cause });
  if (source.apiKeyFile !== undefined) {
    const file = resolveUserPath(source.apiKeyFile);
    let key: string;
    try {
      key = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw fail(`cannot read the API key file ${file} (apiKeyFile): ${code ?? errorMessage(error)}`, error);
    }
    if (key === '') throw fail(`the API key file ${file} (apiKeyFile) is empty`);
    const { mode } = await stat(file);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      ctx.logger.warn({ file, mode: (mode & 0o777).toString(8) }, 'the API key file can be read by other users');
    }
    return key;
  }
  const key = process.env[source.apiKeyEnv]?.trim();
  if (key) return key;
  if (options.optional) return undefined;
  throw fail(
    `no API key: the environment variable ${source.apiKeyEnv} is not set; set it${options.missingHint ? ` (${options.missingHint})` : ''}, ` +
      'name another variable with apiKeyEnv, or point apiKeyFile at a file holding the key',
  );
}

/**
 * A logger for a vendor SDK's `logger` option: its lines go to the plugin's logger, tagged `{ sdk }`, never to
 * stdout (which carries the protocol under `--stdio`). Only the message is kept: the SDKs' extra arguments are
 * request details.
 */
export function sdkLogger(
  logger: PluginLogger,
  sdk: string,
): Record<'error' | 'warn' | 'info' | 'debug', (message: string) => void> {
  const at = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string) => logger[level]({ sdk }, message);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** How long a server asked to wait: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether an HTTP status means "try again later" (the vendors' own SDKs retry exactly these). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The error a provider throws for a failed request (see {@link ChatProvider}): a PluginError of code
 * `PROVIDER_REQUEST_FAILED` (or `PROVIDER_TIMEOUT` with `timeout`) carrying {@link ProviderErrorData}.
 */
export function providerError(
  pluginId: string,
  hook: string,
  message: string,
  data: ProviderErrorData & { timeout?: boolean },
  cause?: unknown,
): PluginError {
  const { timeout, ...rest } = data;
  const code = timeout ? ErrorCodes.PROVIDER_TIMEOUT : ErrorCodes.PROVIDER_REQUEST_FAILED;
  const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return new PluginError(code, pluginId, hook, message, { cause, data: clean });
}

/** A class an SDK's errors are `instanceof`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDK error classes take their own constructor arguments
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * The error classes of an SDK generated by Stainless (`openai`, `@anthropic-ai/sdk`): the same hierarchy under
 * each package's own names, so one mapping serves both.
 */
export interface SdkErrorClasses {
  /** The SDK's own abort (the caller's signal fired inside it). */
  userAbort: ErrorClass;
  /** No answer within the request's timeout. */
  connectionTimeout: ErrorClass;
  /** The server could not be reached (refused, reset, DNS). */
  connection: ErrorClass;
  /** An HTTP error answer: `status` and `headers` (with `get`). */
  api: ErrorClass;
}

export interface SdkFailureContext {
  /** The signal the request ran with: once aborted, its reason is the failure. */
  signal: AbortSignal;
  pluginId: string;
  hook: string;
  /** The endpoint, as messages name it. */
  url: string;
  timeoutMs: number;
  classes: SdkErrorClasses;
  /** Added to the message of an HTTP error of this status (`; check the API key in $OPENAI_API_KEY`), or ''. */
  statusHint?: (status: number) => string;
}

/**
 * A failed request of a Stainless SDK as the {@link ChatProvider} contract wants it: the caller's abort as is, a
 * timeout as `PROVIDER_TIMEOUT`, anything else as `PROVIDER_REQUEST_FAILED` with status, whether to retry (the
 * server's `x-should-retry`, else the status) and `retry-after`. Anything else thrown (an error event in a stream)
 * is a request failure that is not retried.
 */
export function sdkRequestFailure(error: unknown, context: SdkFailureContext): unknown {
  const { signal, pluginId: id, hook, url, classes } = context;
  if (signal.aborted) return signal.reason;
  if (error instanceof classes.userAbort) return error;
  if (error instanceof classes.connectionTimeout) {
    const message = `no answer from ${url} within ${context.timeoutMs} ms`;
    return providerError(id, hook, message, { retryable: true, timeout: true }, error);
  }
  if (error instanceof classes.connection) {
    const code = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    const message = `cannot reach ${url}: ${errorMessage(error)}${typeof code === 'string' ? ` (${code})` : ''}`;
    return providerError(id, hook, message, { retryable: true }, error);
  }
  const status = error instanceof classes.api ? (error as { status?: unknown }).status : undefined;
  if (typeof status === 'number') {
    const headers = (error as { headers?: { get(name: string): string | null } }).headers;
    const should = headers?.get('x-should-retry');
    const retryable = should === 'true' || (should !== 'false' && isRetryableStatus(status));
    const retryAfterMs = parseRetryAfter(headers);
    const message = `${url} answered ${errorMessage(error)}${context.statusHint?.(status) ?? ''}`;
    return providerError(id, hook, message, { status, retryable, retryAfterMs }, error);
  }
  return providerError(id, hook, `${url}: ${errorMessage(error)}`, { retryable: false }, error);
}

/** The {@link ProviderErrorData} of an error, when it is a provider's request error. */
export function providerErrorData(error: unknown): ProviderErrorData | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== ErrorCodes.PROVIDER_REQUEST_FAILED && code !== ErrorCodes.PROVIDER_TIMEOUT) return undefined;
  const data = (error as { data?: Record<string, unknown> }).data ?? {};
  return {
    retryable: data.retryable === true,
    ...(typeof data.status === 'number' ? { status: data.status } : {}),
    ...(typeof data.retryAfterMs === 'number' ? { retryAfterMs: data.retryAfterMs } : {}),
  };
}

/**
 * The tool name of every call id in a conversation, from the assistant messages that made the calls: vendors that
 * pair a result with its call by name (Google) need it, since a `tool` message carries only the id.
 */
export function toolNamesById(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) names.set(call.id, call.name);
  }
  return names;
}

/** Arguments as the model wrote them, parsed; a model's broken JSON becomes `{ _raw: text }`, not an exception. */
export function parseToolArguments(text: string | undefined): ToolCall['arguments'] {
  if (text === undefined || text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { _value: value };
  } catch {
    return { _raw: text };
  }
}
