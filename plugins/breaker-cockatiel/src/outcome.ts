import { ErrorCodes, LocalmcpError, type BreakerState, type CallTarget } from '@localmcp/plugin-api';

/**
 * How an attempt that did not simply succeed leaves the innermost layer: thrown, wrapped with the host's verdict.
 * cockatiel's filters see only what was thrown, so the verdict travels with it: `failure` is handled (counted by
 * the breaker, retried by the retry policy), `ignore` is not (cockatiel passes it through untouched). A resolved
 * value the host judged a failure or ignorable is thrown the same way, because cockatiel counts every value it
 * does not handle as a success. Never escapes the policy: execute() unwraps it. Not an Error on purpose: no stack
 * to capture on a path that may be hot.
 */
export class Judged {
  constructor(
    readonly outcome: 'failure' | 'ignore',
    readonly settled: { error: unknown } | { value: unknown },
  ) {}

  /** Rethrows the call's own error, or returns the value it resolved with. */
  unwrap(): unknown {
    if ('error' in this.settled) throw this.settled.error;
    return this.settled.value;
  }
}

/** True for a thrown value cockatiel should count and retry. */
export const isFailure = (thrown: unknown): boolean => thrown instanceof Judged && thrown.outcome === 'failure';

/** `upstream "s"` or `tool "t" of upstream "s"`. */
export function describeTarget(target: CallTarget): string {
  return target.tool === undefined
    ? `upstream "${target.server}"`
    : `tool "${target.tool}" of upstream "${target.server}"`;
}

/** A call refused by an open circuit or a full bulkhead, as the BreakerPolicy contract words it. */
export function circuitOpenError(
  target: CallTarget,
  state: BreakerState,
  retryAfterMs: number | undefined,
  cause: unknown,
  bulkhead?: { limit: number; queue: number },
): LocalmcpError {
  const data: Record<string, unknown> = { server: target.server };
  if (target.tool !== undefined) data.tool = target.tool;
  data.state = state;
  if (retryAfterMs !== undefined) data.retryAfterMs = retryAfterMs;
  if (bulkhead) {
    data.refusedBy = 'bulkhead';
    const message = `${describeTarget(target)} is unavailable (bulkhead full: ${bulkhead.limit} calls running, ${bulkhead.queue} waiting)`;
    return new LocalmcpError(ErrorCodes.CIRCUIT_OPEN, message, { cause, data });
  }
  const when = retryAfterMs === undefined ? '' : `; retry in ${Math.ceil(retryAfterMs / 1000)} s`;
  const message = `${describeTarget(target)} is unavailable (circuit ${state})${when}`;
  return new LocalmcpError(ErrorCodes.CIRCUIT_OPEN, message, { cause, data });
}

/** An attempt the policy's own timeout ended. */
export function timeoutError(target: CallTarget, ms: number, cause: unknown): LocalmcpError {
  const data: Record<string, unknown> = { server: target.server, timeoutMs: ms };
  if (target.tool !== undefined) data.tool = target.tool;
  return new LocalmcpError(ErrorCodes.UPSTREAM_TIMEOUT, `${describeTarget(target)} did not answer within ${ms} ms`, {
    cause,
    data,
  });
}

/** Why a signal aborted, as `fetch` would reject: its reason, or an AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (a queued call or a retry backoff stops waiting). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      // Aborted while the call was being started: its end no longer matters to anyone.
      promise.catch(() => undefined);
      return reject(abortReason(signal));
    }
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
