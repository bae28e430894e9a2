import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { isRetryableStatus, parseRetryAfter } from '@localmcp/plugin-api';

/** Longest `retry-after` the plugin waits for; a server asking for more gets its error passed on instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** What a retry policy needs to know about one failed attempt. */
export interface RetryDecision {
  retry: boolean;
  /** How long to wait first, when retrying. */
  delayMs: number;
}

/**
 * Whether to retry after `error` on retry number `attempt` (0 for the first), and after how long. The same rules as
 * the openai SDK's own (timeouts, connection failures, 408, 409, 429, 5xx; the `x-should-retry` header overrides;
 * `retry-after` is obeyed, else exponential backoff from 0.5 s to 8 s with jitter), with two differences that are
 * why the plugin retries itself: the wait ends when the caller aborts, and a `retry-after` over a minute is not
 * waited for.
 */
export function retryDecision(error: unknown, attempt: number, random = Math.random): RetryDecision {
  const backoff = Math.min(500 * 2 ** attempt, 8000) * (1 - 0.25 * random());
  if (error instanceof APIUserAbortError) return { retry: false, delayMs: 0 };
  if (error instanceof APIConnectionError) return { retry: true, delayMs: backoff };
  if (!(error instanceof APIError) || error.status === undefined) return { retry: false, delayMs: 0 };
  const should = error.headers?.get('x-should-retry');
  const retryable = should === 'true' || (should !== 'false' && isRetryableStatus(error.status));
  if (!retryable) return { retry: false, delayMs: 0 };
  const asked = parseRetryAfter(error.headers);
  if (asked === undefined) return { retry: true, delayMs: backoff };
  return asked <= MAX_RETRY_AFTER_MS ? { retry: true, delayMs: asked } : { retry: false, delayMs: 0 };
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
