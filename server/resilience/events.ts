/**
 * CLOSED: calls flow. OPEN: calls are refused until a wait passes. HALF_OPEN: a bounded number of trial calls
 * decide. DECONSTRUCTED (elastic policy only): the server is split into per-tool circuits.
 */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'DECONSTRUCTED';

/** Why a circuit changed state. */
export type TransitionReason =
  | 'failure-threshold'
  | 'failure-ratio'
  | 'open-elapsed'
  | 'trial-failed'
  | 'trials-succeeded'
  | 'repeated-trips'
  | 'probe-succeeded'
  | 'upstream-ready'
  | 'reset'
  | 'restore';

/** One state change of a server's circuit, or (with `tool`) of one tool's circuit of a deconstructed server. */
export interface TransitionEvent {
  server: string;
  tool?: string;
  from: BreakerState;
  to: BreakerState;
  reason: TransitionReason;
  /** Clock milliseconds. */
  at: number;
}

export type TransitionListener = (event: TransitionEvent) => void;

/** A tiny typed listener set; a throwing listener is isolated so it cannot break a call path. */
export class TransitionEmitter {
  private readonly listeners = new Set<TransitionListener>();

  /** Subscribes; returns the unsubscribe function. */
  on(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: TransitionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A metrics or UI listener must not turn a state change into a failed call.
      }
    }
  }
}
