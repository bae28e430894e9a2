import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import type { Plan, PlannedCall } from './planner.js';
import { resolveReferences } from './references.js';

/** How one call of a plan ended. */
export interface CallOutcome<R> {
  id: string;
  /** The arguments after references were replaced (undefined when resolving failed). */
  arguments?: Record<string, unknown>;
  result?: R;
  error?: LocalmcpError | Error;
  /** When the call started and ended, in ms since the plan started. */
  startMs: number;
  endMs: number;
}

/**
 * Runs a plan: every call starts as soon as the calls it references are done (independent calls at once, in
 * parallel), with its references replaced by their values. A call whose dependency failed is not run; it fails with
 * a message naming that dependency. `values` holds the referencable value of every answered call (earlier batches'
 * included) and gets this batch's added; `valueOf` says what a result contributes.
 */
export async function runPlan<R>(
  plan: Plan,
  run: (call: PlannedCall, args: Record<string, unknown>) => Promise<R>,
  values: Map<string, unknown>,
  valueOf: (result: R) => { value: unknown; failed: boolean },
): Promise<Array<CallOutcome<R>>> {
  const started = performance.now();
  const now = () => Math.round(performance.now() - started);
  const outcomes = new Map<string, Promise<CallOutcome<R>>>();
  const failed = new Set<string>();
  const start = (call: PlannedCall): Promise<CallOutcome<R>> => {
    let outcome = outcomes.get(call.id);
    if (outcome) return outcome;
    outcome = (async () => {
      await Promise.all(call.dependsOn.map((id) => start(plan.calls.find((c) => c.id === id)!)));
      const startMs = now();
      const broken = call.dependsOn.filter((id) => failed.has(id));
      if (broken.length > 0) {
        failed.add(call.id);
        const error = new LocalmcpError(
          ErrorCodes.REFERENCE_UNRESOLVED,
          `not run: it uses the result of ${broken.join(', ')}, which failed`,
        );
        return { id: call.id, error, startMs, endMs: startMs };
      }
      let args: Record<string, unknown>;
      try {
        args = resolveReferences(call.arguments, (id) => values.get(id)) as Record<string, unknown>;
      } catch (error) {
        failed.add(call.id);
        return { id: call.id, error: error as Error, startMs, endMs: now() };
      }
      try {
        const result = await run(call, args);
        const { value, failed: isError } = valueOf(result);
        if (isError) failed.add(call.id);
        else values.set(call.id, value);
        return { id: call.id, arguments: args, result, startMs, endMs: now() };
      } catch (error) {
        failed.add(call.id);
        const wrapped = error instanceof Error ? error : new Error(errorMessage(error));
        return { id: call.id, arguments: args, error: wrapped, startMs, endMs: now() };
      }
    })();
    outcomes.set(call.id, outcome);
    return outcome;
  };
  return Promise.all(plan.calls.map(start));
}
