import type { Clock, ClockTimer } from '../../server/resilience/clock.js';

/** Lets promise callbacks (a probe settling, an awaited call) run before the test looks. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock the test moves by hand: timers fire in order during advance(), with promise work flushed between. */
export class ManualClock implements Clock {
  private time = 1_700_000_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer as number);
  }

  /** Delays (from now) of the timers still pending, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
      await flush();
    }
    this.time = target;
    await flush();
  }
}
