/** An opaque timer handle, as returned by {@link Clock.setTimeout}. */
export type ClockTimer = unknown;

/**
 * Time as the breakers see it. Injected so tests drive every wait by hand instead of sleeping, and so a shared
 * state (Redis, later) can be compared across processes by wall-clock milliseconds.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** The real clock. Its timers are unref'd: a background probe must never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(timer) {
    clearTimeout(timer as ReturnType<typeof setTimeout>);
  },
};
