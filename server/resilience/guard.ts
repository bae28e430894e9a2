import type { ClassicBreaker, Permit } from './classic-breaker.js';
import type { ErrorClassifier, Outcome, ResultClassifier } from './classify.js';

/** How a policy reads the end of a call. */
export interface Classifiers {
  classify: ErrorClassifier;
  classifyResult: ResultClassifier;
}

/** A permit and the circuit that granted it. A call may hold several (a server trial and its tool's circuit). */
export type Lease = readonly [ClassicBreaker, Permit];

/** A signal that never aborts, for calls made without one (shared: nothing ever aborts it). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Runs a permitted call and reports its outcome to every circuit it holds leave from. The call's own error or
 * result passes through untouched: the breaker observes, the router describes. A call the caller aborted is not
 * the upstream's fault and is ignored.
 */
export async function runLeased<T>(
  leases: readonly Lease[],
  call: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
  classifiers: Classifiers,
): Promise<T> {
  let result: T;
  try {
    result = await call(signal);
  } catch (error) {
    settle(leases, signal.aborted ? 'ignore' : safely(() => classifiers.classify(error)));
    throw error;
  }
  settle(
    leases,
    safely(() => classifiers.classifyResult(result)),
  );
  return result;
}

function settle(leases: readonly Lease[], outcome: Outcome): void {
  for (const [circuit, permit] of leases) circuit.release(permit, outcome);
}

// A classifier from config or a plugin that throws must still release the trial slot it was judging.
function safely(classify: () => Outcome): Outcome {
  try {
    return classify();
  } catch {
    return 'failure';
  }
}
