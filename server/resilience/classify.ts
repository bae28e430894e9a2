import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import { ErrorCode as JsonRpcCode } from '@modelcontextprotocol/sdk/types.js';
import { isCircuitOpenError } from './errors.js';

/** What one call's end means to a circuit. `ignore` neither counts nor (in HALF_OPEN) uses up a trial. */
export type Outcome = 'success' | 'failure' | 'ignore';

/** Decides whether a thrown error says the upstream is unhealthy. */
export type ErrorClassifier = (error: unknown) => 'failure' | 'ignore';

/** Decides what a resolved call means; the default counts every answer, `isError` results included, as success. */
export type ResultClassifier = (result: unknown) => Outcome;

// The router's local errors that mean the upstream itself is sick (see server/gateway/router.ts describe()).
const UPSTREAM_FAILURES = new Set<string>([
  ErrorCodes.UPSTREAM_TIMEOUT,
  ErrorCodes.UPSTREAM_UNAVAILABLE,
  ErrorCodes.UPSTREAM_ERROR,
  ErrorCodes.UPSTREAM_START_FAILED,
]);

// JSON-RPC answers that still mean trouble: the SDK's own timeout and closed-connection codes, and an upstream
// that fails inside its protocol handler. Every other JSON-RPC error (invalid params, unknown method or tool) is
// the caller's problem, answered by a live server.
const JSON_RPC_FAILURES = new Set<number>([
  JsonRpcCode.RequestTimeout,
  JsonRpcCode.ConnectionClosed,
  JsonRpcCode.InternalError,
]);

/**
 * The default classifier. Failures: timeouts, transport errors (fetch failed, socket reset, anything unknown),
 * HTTP 5xx, a crashed or closed process. Ignored: the caller's own abort, argument and lookup errors, HTTP 4xx,
 * a refusal by another circuit. Works on the raw SDK errors and on the router's described ones, so the breaker
 * may sit on either side of `describe()`.
 */
export const defaultClassify: ErrorClassifier = (error) => {
  if (isCircuitOpenError(error)) return 'ignore';
  if (error instanceof Error && error.name === 'AbortError') return 'ignore';
  if (isLocalmcpError(error)) {
    if (!UPSTREAM_FAILURES.has(error.code)) return 'ignore';
    // A wrapped HTTP 4xx (bad auth, unknown session) is not an outage.
    const status = httpStatus(error.cause);
    return status !== undefined && status < 500 ? 'ignore' : 'failure';
  }
  const status = httpStatus(error);
  if (status !== undefined) return status >= 500 ? 'failure' : 'ignore';
  const rpc = jsonRpcCode(error);
  if (rpc !== undefined) return JSON_RPC_FAILURES.has(rpc) ? 'failure' : 'ignore';
  return 'failure';
};

/** The default result classifier: the upstream answered, so the circuit sees a success. */
export const countResultsAsSuccess: ResultClassifier = () => 'success';

/** An opt-in result classifier: a tool result with `isError: true` counts as a failure. */
export const countToolErrorsAsFailures: ResultClassifier = (result) =>
  typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true
    ? 'failure'
    : 'success';

/** An HTTP status carried by the SDK's StreamableHTTPError / SseError (`code`) or a fetch-like `status`. */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, status } = error as { code?: unknown; status?: unknown };
  for (const value of [status, code]) {
    if (typeof value === 'number' && value >= 100 && value <= 599) return value;
  }
  return undefined;
}

/** The (negative) JSON-RPC code of an McpError, or of the gateway's WireError that keeps it. */
function jsonRpcCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'number' && code < 0 ? code : undefined;
}
