// Polling helpers for tests that wait on another process: a child to start, a notification to arrive,
// a crashed upstream to be restarted. Fixed sleeps would make those tests slow or flaky, so poll instead.
import { setTimeout as sleep } from 'node:timers/promises';

export type WaitOptions = {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between checks (default 25 ms). */
  intervalMs?: number;
  /** Says what was awaited in the timeout error, e.g. 'upstream restarted'. */
  message?: string;
};

/**
 * Resolves with the first truthy value `predicate` returns, checking every `intervalMs`.
 * A predicate that throws counts as "not yet": a probe of a half-started server may fail a few times.
 * The last such error is attached as the cause when the wait times out.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 25, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/** Resolves after `ms`; rejects early with the signal's reason if it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal });
}
