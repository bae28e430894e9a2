interface Bucket {
  start: number;
  successes: number;
  failures: number;
}

/** The serialised form of a {@link RollingWindow}. */
export type RollingWindowSnapshot = Bucket[];

/**
 * Successes and failures over the last `windowMs`, kept in a fixed number of time buckets, so memory stays
 * constant however many calls go through (a list of call timestamps would grow with the call rate).
 */
export class RollingWindow {
  private buckets: Bucket[] = [];
  private readonly bucketMs: number;

  constructor(
    private readonly windowMs: number,
    bucketCount: number,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / bucketCount));
  }

  record(failed: boolean, now: number): void {
    this.prune(now);
    const start = now - (now % this.bucketMs);
    let last = this.buckets.at(-1);
    if (last?.start !== start) {
      last = { start, successes: 0, failures: 0 };
      this.buckets.push(last);
    }
    if (failed) last.failures++;
    else last.successes++;
  }

  counts(now: number): { successes: number; failures: number; total: number } {
    this.prune(now);
    let successes = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      successes += bucket.successes;
      failures += bucket.failures;
    }
    return { successes, failures, total: successes + failures };
  }

  clear(): void {
    this.buckets = [];
  }

  toJSON(): RollingWindowSnapshot {
    return this.buckets.map((bucket) => ({ ...bucket }));
  }

  restore(snapshot: RollingWindowSnapshot): void {
    this.buckets = snapshot.map((bucket) => ({ ...bucket }));
  }

  // A bucket counts while any part of it lies inside the window.
  private prune(now: number): void {
    const oldest = now - this.windowMs;
    while (this.buckets.length > 0 && this.buckets[0]!.start + this.bucketMs <= oldest) this.buckets.shift();
  }
}
