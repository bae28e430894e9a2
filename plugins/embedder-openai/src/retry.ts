import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

/** Longest `retry-after` the plugin waits for; a server asking for more gets its error passed on instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** What a retry policy needs to know about one failed attempt. */
export interface RetryDecision {
  retry: boolean;
  /** How long to wait first, when retrying. */
  delayMs: number;
}

/** How long the server asked to wait: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
  const retryable =
    should === 'true' || (should !== 'false' && ([408, 409, 429].includes(error.status) || error.status >= 500));
  if (!retryable) return { retry: false, delayMs: 0 };
  const asked = retryAfterMs(error.headers);
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
