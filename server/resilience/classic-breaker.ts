import type { Clock } from './clock.js';
import type { Outcome } from './classify.js';
import type { BreakerState, TransitionReason } from './events.js';
import { CircuitOptionsSchema, type CircuitOptions, type CircuitOptionsInput } from './options.js';
import { RollingWindow, type RollingWindowSnapshot } from './rolling-window.js';

/**
 * Leave to make one call, from {@link ClassicBreaker.acquire}. The generation ties the outcome to the state it
 * was granted in: a slow call that ends after the circuit moved on must not count against the new state.
 */
export interface Permit {
  readonly generation: number;
  readonly trial: boolean;
}

/** The serialised state of one circuit. Times are clock milliseconds, so a restore elsewhere keeps deadlines. */
export interface CircuitSnapshot {
  state: BreakerState;
  /** Consecutive trips since the circuit last closed; sets the OPEN wait. */
  trips: number;
  openUntil?: number;
  trialSuccesses?: number;
  window: RollingWindowSnapshot;
}

export type CircuitTransition = (from: BreakerState, to: BreakerState, reason: TransitionReason) => void;

/**
 * The classic three-state breaker for one target. Failures are counted in a rolling window; a trip opens the
 * circuit for `openMs · openMultiplier^(trips-1)` (capped); then HALF_OPEN admits `halfOpenMaxCalls` trials, of
 * which `halfOpenSuccesses` close it and any failure reopens it. OPEN turns HALF_OPEN lazily, when next looked
 * at, as cockatiel's `halfOpenAfter` does: no timer per circuit, and nothing to clean up.
 *
 * Subclasses (the elastic server circuit) change what a trip leads to through {@link onTrip}.
 */
export class ClassicBreaker {
  readonly options: CircuitOptions;
  protected current: BreakerState = 'CLOSED';
  protected trips = 0;
  private generation = 0;
  private openUntil = 0;
  private trialsInFlight = 0;
  private trialSuccesses = 0;
  private readonly window: RollingWindow;

  constructor(
    options: CircuitOptionsInput | CircuitOptions,
    protected readonly clock: Clock,
    private readonly onTransition: CircuitTransition = () => {},
  ) {
    this.options = CircuitOptionsSchema.parse(options);
    this.window = new RollingWindow(this.options.windowMs, this.options.windowBuckets);
  }

  /** The current state; an OPEN circuit whose wait has passed turns HALF_OPEN here. */
  get state(): BreakerState {
    if (this.current === 'OPEN' && this.clock.now() >= this.openUntil) this.moveTo('HALF_OPEN', 'open-elapsed');
    return this.current;
  }

  /** Milliseconds until an OPEN circuit admits a trial; undefined in other states. */
  retryAfterMs(): number | undefined {
    return this.state === 'OPEN' ? Math.max(0, this.openUntil - this.clock.now()) : undefined;
  }

  /** The OPEN wait after the `trips`-th consecutive trip. */
  openDelay(trips: number): number {
    const { openMs, openMultiplier, maxOpenMs } = this.options;
    return Math.min(maxOpenMs, openMs * openMultiplier ** Math.max(0, trips - 1));
  }

  /** Leave for one call, or undefined when the circuit refuses it. */
  acquire(): Permit | undefined {
    switch (this.state) {
      case 'CLOSED':
        return { generation: this.generation, trial: false };
      case 'HALF_OPEN':
        if (this.trialsInFlight + this.trialSuccesses >= this.options.halfOpenMaxCalls) return undefined;
        this.trialsInFlight++;
        return { generation: this.generation, trial: true };
      default:
        return undefined;
    }
  }

  /** Reports how a permitted call ended. */
  release(permit: Permit, outcome: Outcome): void {
    if (permit.generation !== this.generation) return;
    if (permit.trial) {
      this.trialsInFlight--;
      if (outcome === 'failure') this.onTrip('trial-failed');
      else if (outcome === 'success' && ++this.trialSuccesses >= this.options.halfOpenSuccesses) {
        this.moveTo('CLOSED', 'trials-succeeded');
      }
      return;
    }
    if (outcome === 'ignore') return;
    const now = this.clock.now();
    this.window.record(outcome === 'failure', now);
    if (outcome === 'success') return;
    const { failures, total } = this.window.counts(now);
    const { failureThreshold, failureRatio, minimumCalls } = this.options;
    if (failureThreshold > 0 && failures >= failureThreshold) this.onTrip('failure-threshold');
    else if (failureRatio !== undefined && total >= minimumCalls && failures / total >= failureRatio) {
      this.onTrip('failure-ratio');
    }
  }

  /**
   * The target was seen to recover by other means (its restarted process is ready): an OPEN circuit stops
   * waiting and lets its trial calls decide now. Other states are left alone.
   */
  recovered(): void {
    if (this.current === 'OPEN') this.moveTo('HALF_OPEN', 'upstream-ready');
  }

  /** Back to CLOSED with a clean window and no trip history. */
  reset(reason: TransitionReason = 'reset'): void {
    this.moveTo('CLOSED', reason);
  }

  toJSON(): CircuitSnapshot {
    const state = this.state;
    return {
      state,
      trips: this.trips,
      ...(state === 'OPEN' ? { openUntil: this.openUntil } : {}),
      ...(state === 'HALF_OPEN' ? { trialSuccesses: this.trialSuccesses } : {}),
      window: this.window.toJSON(),
    };
  }

  /** Takes over a snapshot (from another worker, or a restart). Trials in flight elsewhere are not carried. */
  restore(snapshot: CircuitSnapshot): void {
    const from = this.current;
    this.generation++;
    this.current = snapshot.state;
    this.trips = snapshot.trips;
    this.openUntil = snapshot.openUntil ?? 0;
    this.trialsInFlight = 0;
    this.trialSuccesses = snapshot.trialSuccesses ?? 0;
    this.window.restore(snapshot.window);
    if (from !== this.current) this.onTransition(from, this.current, 'restore');
  }

  /** What a trip leads to. The classic answer: OPEN, for a wait that grows with consecutive trips. */
  protected onTrip(reason: TransitionReason): void {
    this.moveTo('OPEN', reason);
  }

  protected moveTo(to: BreakerState, reason: TransitionReason): void {
    const from = this.current;
    this.current = to;
    this.generation++;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
    this.window.clear();
    if (to === 'CLOSED') this.trips = 0;
    if (to === 'OPEN') this.openUntil = this.clock.now() + this.openDelay(++this.trips);
    if (from !== to) this.onTransition(from, to, reason);
  }
}
