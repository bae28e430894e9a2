import type { BreakerHost, BreakerState, CallOutcome, CallTarget } from '@localmcp/plugin-api';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  noJitterGenerator,
  retry,
  timeout,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IBreaker,
  type IPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import type { PolicySettings } from './options.js';
import { Judged, abortReason, circuitOpenError, isFailure, timeoutError } from './outcome.js';
import type { CircuitSnapshot } from './snapshot.js';

/** What a circuit reports to its policy. */
export interface CircuitEvents {
  transition(from: BreakerState, to: BreakerState, reason: string): void;
  /** A counter: `retries`, `timeouts`, `refusals`. */
  count(name: string): void;
}

/**
 * One cockatiel circuit breaker and the policies composed around it. A reset or restore replaces the breaker (a
 * new generation: cockatiel restores state only through `initialState` at construction); the bulkhead and retry
 * policies stay, so calls in flight keep their slots.
 */
interface Generation {
  readonly breaker: CircuitBreakerPolicy;
  readonly policy: IPolicy;
  readonly listeners: Array<{ dispose(): void }>;
  /** The half-open trial in flight: the attempt number it tests, and whether its end was judged `ignore`. */
  trial?: { attemptNo: number; ignored: boolean };
}

/** The part of cockatiel's `toJSON()` the circuit reads. */
interface OwnState {
  value: CircuitState;
  openedAt?: number;
  attemptNo?: number;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

/**
 * The composed cockatiel policy of one server, or of one tool with settings of its own:
 * `bulkhead → retry → circuit breaker → timeout → call`. The bulkhead is outermost so that a slot bounds one
 * logical call (at most one of its attempts is in flight) and a refusal is never retried; retry sits outside the
 * breaker so every attempt counts, and it stops as soon as the breaker is no longer CLOSED; the timeout bounds
 * each attempt and is what the breaker judges.
 */
export class Circuit {
  private current: Generation;
  /** The state listeners were last told of. */
  private known: BreakerState = 'CLOSED';
  private readonly bulkhead: BulkheadPolicy | undefined;
  private readonly retry: IPolicy | undefined;
  private readonly timeout: TimeoutPolicy | undefined;

  constructor(
    readonly target: CallTarget,
    readonly settings: PolicySettings,
    private readonly host: BreakerHost,
    private readonly events: CircuitEvents,
  ) {
    const { retry: r, timeout: t, bulkhead: b } = settings;
    this.bulkhead = b.limit > 0 ? bulkhead(b.limit, b.queue) : undefined;
    if (r.maxAttempts > 0) {
      const policy = retry(
        // Only failures, and never into a circuit this very failure (or another call) just opened.
        handleWhen((thrown) => isFailure(thrown) && this.current.breaker.state === CircuitState.Closed),
        {
          maxAttempts: r.maxAttempts,
          backoff: new ExponentialBackoff({ initialDelay: r.initialDelayMs, maxDelay: r.maxDelayMs }),
        },
      );
      policy.onRetry(() => this.events.count('retries'));
      this.retry = policy;
    }
    this.timeout =
      t.ms > 0
        ? timeout(t.ms, t.strategy === 'aggressive' ? TimeoutStrategy.Aggressive : TimeoutStrategy.Cooperative)
        : undefined;
    this.current = this.generation(undefined);
  }

  get state(): BreakerState {
    return STATES[this.current.breaker.state];
  }

  /** Milliseconds until an OPEN circuit lets a trial call through; undefined when it is not OPEN. */
  retryAfterMs(): number | undefined {
    const own = this.ownState();
    if (own.value !== CircuitState.Open || own.openedAt === undefined) return undefined;
    return Math.max(0, own.openedAt + this.openWait(own.attemptNo ?? 1) - Date.now());
  }

  /** Runs a call to `target` (the tool named, for messages) through the composed policy. */
  execute<T>(
    target: CallTarget,
    call: (signal: AbortSignal) => Promise<T>,
    caller: AbortSignal | undefined,
  ): Promise<T> {
    const gen = this.current;
    return gen.policy
      .execute((context) => this.attempt(gen, target, call, context.signal, caller), caller)
      .then(undefined, (thrown: unknown) => this.settle(thrown, caller)) as Promise<T>;
  }

  toJSON(): CircuitSnapshot {
    // A copy: a SamplingBreaker hands out its live window array.
    const cockatiel = structuredClone(this.current.breaker.toJSON()) as CircuitSnapshot['cockatiel'];
    const state = this.state;
    const open = state === 'OPEN' && cockatiel.ownState.value === CircuitState.Open ? cockatiel.ownState : undefined;
    return {
      state,
      type: this.settings.breaker.type,
      ...(open ? { openUntil: open.openedAt + this.openWait(open.attemptNo), trips: open.attemptNo } : {}),
      cockatiel,
    };
  }

  /** Takes over a snapshot; counters of a breaker of another type or shape are started afresh. */
  restore(snapshot: CircuitSnapshot): void {
    const { ownState, breakerState } = structuredClone(snapshot.cockatiel);
    const fresh = this.makeBreaker().state;
    const compatible = snapshot.type === this.settings.breaker.type && sameShape(fresh, breakerState);
    this.replace({ ownState, breakerState: compatible ? breakerState : fresh }, 'restore');
  }

  reset(): void {
    this.replace(undefined, 'reset');
  }

  dispose(): void {
    for (const listener of this.current.listeners) listener.dispose();
  }

  private generation(initialState: unknown): Generation {
    const s = this.settings.breaker;
    const breaker = circuitBreaker(handleWhen(isFailure), {
      breaker: this.makeBreaker(),
      // Doubles on each failed trial; cockatiel resets it when the circuit closes.
      halfOpenAfter:
        s.maxHalfOpenAfterMs > s.halfOpenAfterMs
          ? new ExponentialBackoff({
              generator: noJitterGenerator,
              initialDelay: s.halfOpenAfterMs,
              maxDelay: s.maxHalfOpenAfterMs,
            })
          : s.halfOpenAfterMs,
      initialState,
    });
    const outer = [this.bulkhead, this.retry].filter((p): p is IPolicy => p !== undefined);
    const gen: Generation = { breaker, policy: outer.length > 0 ? wrap(...outer, breaker) : breaker, listeners: [] };
    const tripped = s.type === 'sampling' ? 'failure-ratio' : 'failure-threshold';
    gen.listeners.push(
      breaker.onBreak(() => this.moved(gen, 'OPEN', this.known === 'HALF_OPEN' ? 'trial-failed' : tripped)),
      breaker.onHalfOpen(() => this.moved(gen, 'HALF_OPEN', 'open-elapsed')),
      breaker.onReset(() => (gen.trial?.ignored ? this.reopen(gen) : this.moved(gen, 'CLOSED', 'trial-succeeded'))),
    );
    return gen;
  }

  private makeBreaker(): IBreaker {
    const s = this.settings.breaker;
    return s.type === 'consecutive'
      ? new ConsecutiveBreaker(s.threshold)
      : new SamplingBreaker({ threshold: s.threshold, duration: s.durationMs, minimumRps: s.minimumRps });
  }

  /** One attempt, under the breaker: runs the call (under the timeout) and wraps every end but success. */
  private attempt<T>(
    gen: Generation,
    target: CallTarget,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
    caller: AbortSignal | undefined,
  ): Promise<T> {
    // cockatiel lets a call reach here while not CLOSED only as the half-open trial.
    const trial = gen.breaker.state !== CircuitState.Closed;
    if (trial) gen.trial = { attemptNo: this.ownState(gen).attemptNo ?? 1, ignored: false };
    // cockatiel's retry checks the signal before its backoff, not after: a caller who left meanwhile gets no retry.
    if (caller?.aborted) return Promise.reject(this.judged(gen, trial, 'ignore', { error: abortReason(caller) }));
    // cockatiel passes the caller's signal down, except to calls that waited for a half-open trial.
    const join = caller !== undefined && caller !== signal ? caller : undefined;
    const timed = this.timeout;
    const run = timed
      ? timed.execute(
          ({ signal: attemptSignal }) =>
            invoke(call, attemptSignal, join).then(undefined, (error: unknown) => {
              // Cooperative: the call ended because our timer aborted its signal.
              throw attemptSignal.aborted && !caller?.aborted ? this.timedOut(target, error) : error;
            }),
          signal,
        )
      : invoke(call, signal, join);
    return run.then(
      (value) => {
        const outcome = judge(() => this.host.classifyResult(value));
        if (outcome === 'success') return value;
        throw this.judged(gen, trial, outcome, { value });
      },
      (error: unknown) => {
        if (caller?.aborted) throw this.judged(gen, trial, 'ignore', { error });
        // Aggressive: cockatiel stopped waiting and threw its own TaskCancelledError.
        const cause = error instanceof TaskCancelledError ? this.timedOut(target, error) : error;
        throw this.judged(
          gen,
          trial,
          judge(() => this.host.classifyError(cause)),
          { error: cause },
        );
      },
    );
  }

  private judged(gen: Generation, trial: boolean, outcome: CallOutcome, settled: Judged['settled']): Judged {
    if (outcome === 'success') outcome = 'ignore'; // a thrown error the host calls a success: not held against it
    if (trial && outcome === 'ignore' && gen.trial) gen.trial.ignored = true;
    return new Judged(outcome, settled);
  }

  private timedOut(target: CallTarget, cause: unknown) {
    this.events.count('timeouts');
    return timeoutError(target, this.settings.timeout.ms, cause);
  }

  /** Turns what came out of the cockatiel stack into what the caller gets. */
  private settle(thrown: unknown, caller: AbortSignal | undefined): unknown {
    if (thrown instanceof Judged) return thrown.unwrap();
    if (thrown instanceof BulkheadRejectedError) {
      this.events.count('refusals');
      throw circuitOpenError(this.target, this.state, undefined, thrown, this.settings.bulkhead);
    }
    if (thrown instanceof BrokenCircuitError) {
      this.events.count('refusals');
      throw circuitOpenError(this.target, this.state, this.retryAfterMs(), thrown);
    }
    // A queued or half-open-waiting call whose caller gave up.
    if (thrown instanceof TaskCancelledError && caller?.aborted) throw abortReason(caller);
    throw thrown;
  }

  private moved(gen: Generation, to: BreakerState, reason: string): void {
    if (gen !== this.current || to === this.known) return;
    const from = this.known;
    this.known = to;
    this.events.transition(from, to, reason);
  }

  /**
   * cockatiel closes the circuit when its half-open trial ends in anything it does not handle; the contract says an
   * ignored end (the caller gave up, a bad argument) uses up no trial. So the circuit is put back OPEN, its wait
   * already over, and the next call is the trial. Calls that queued behind the trial on the replaced breaker are
   * refused rather than let through.
   */
  private reopen(gen: Generation): void {
    const { breakerState } = gen.breaker.toJSON() as { breakerState: unknown };
    const attemptNo = gen.trial?.attemptNo ?? 1;
    this.replace({ ownState: { value: CircuitState.Open, openedAt: 0, attemptNo }, breakerState }, 'trial-ignored');
    gen.breaker.isolate();
  }

  private replace(initialState: unknown, reason: string): void {
    this.dispose();
    this.current = this.generation(initialState);
    this.moved(this.current, this.state, reason);
  }

  private ownState(gen: Generation = this.current): OwnState {
    return (gen.breaker.toJSON() as { ownState: OwnState }).ownState;
  }

  /** The OPEN wait after the n-th consecutive trip, as the noJitterGenerator backoff computes it. */
  private openWait(attemptNo: number): number {
    const { halfOpenAfterMs, maxHalfOpenAfterMs } = this.settings.breaker;
    return Math.min(maxHalfOpenAfterMs, halfOpenAfterMs * 2 ** (attemptNo - 1));
  }
}

/** Calls with the attempt's signal, joined with the caller's when cockatiel lost it; a sync throw rejects. */
function invoke<T>(call: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, join: AbortSignal | undefined) {
  try {
    return Promise.resolve(call(join ? AbortSignal.any([signal, join]) : signal));
  } catch (error) {
    return Promise.reject(error);
  }
}

// A classifier that throws must not wedge the circuit: its verdict is taken as a failure.
function judge(classify: () => CallOutcome): CallOutcome {
  try {
    return classify();
  } catch {
    return 'failure';
  }
}

/** True when a restored IBreaker state looks like a fresh one of this breaker (same type, same window count). */
function sameShape(fresh: unknown, restored: unknown): boolean {
  if (typeof fresh === 'number') return typeof restored === 'number' && Number.isInteger(restored) && restored >= 0;
  const windows = (state: unknown) => (state as { windows?: unknown } | null)?.windows;
  const a = windows(fresh);
  const b = windows(restored);
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length;
}
