/** Bounded exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures after which the supervisor gives up until something resets it. */
  maxAttempts: number;
}

/**
 * The delay before attempt `attempt` (1-based): a uniform draw in [cap/2, cap] where cap doubles per attempt up
 * to maxDelayMs. Half-jitter rather than full jitter keeps a floor, so a crash-looping server never restarts in
 * a tight loop, while restarts of many servers after a shared failure still spread out.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
