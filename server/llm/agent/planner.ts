import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { ToolCall } from '@localmcp/plugin-api';
import { findReferences } from './references.js';

/** A call of a batch and the calls of the same batch it waits for. */
export interface PlannedCall extends ToolCall {
  dependsOn: string[];
}

/**
 * A batch of tool calls as a dependency graph: `waves` lists the call ids level by level (a call's dependencies are
 * all in earlier waves). Calls of one wave are independent and run in parallel; the executor starts each call as
 * soon as its own dependencies are done, which is never later than its wave.
 */
export interface Plan {
  calls: PlannedCall[];
  waves: string[][];
}

/**
 * Plans a batch of calls whose arguments may reference each other's results or results of earlier batches
 * (`earlier`: the ids already answered). Every problem is found before anything runs, as a PLAN_INVALID error that
 * says which call and what to fix: a reference to no known call, a call referencing itself, a cycle (named in
 * order), two calls with one id.
 */
export function planCalls(calls: readonly ToolCall[], earlier: ReadonlySet<string>): Plan {
  const ids = new Set<string>();
  for (const call of calls) {
    if (ids.has(call.id)) throw invalid(`two calls in one batch have the id "${call.id}"`, { callId: call.id });
    ids.add(call.id);
  }
  const planned: PlannedCall[] = calls.map((call) => {
    const dependsOn = new Set<string>();
    for (const reference of findReferences(call.arguments)) {
      if (reference.callId === call.id) {
        throw invalid(`call ${call.id} (${call.name}) references its own result (${reference.raw})`, {
          callId: call.id,
          cycle: [call.id, call.id],
        });
      }
      // A reference to an id of this batch waits for that call; otherwise it must be an earlier, answered call.
      if (ids.has(reference.callId)) dependsOn.add(reference.callId);
      else if (!earlier.has(reference.callId)) {
        const known = [...ids].filter((id) => id !== call.id).concat([...earlier]);
        throw invalid(
          `call ${call.id} (${call.name}) references ${reference.raw}, but there is no call "${reference.callId}" ` +
            `in this batch or before it (known: ${known.join(', ') || 'none'})`,
          { callId: call.id, reference: reference.raw },
        );
      }
    }
    return { ...call, dependsOn: [...dependsOn] };
  });
  return { calls: planned, waves: wavesOf(planned) };
}

/** Kahn's algorithm by levels; what is left over lies on a cycle, which is then found and named. */
function wavesOf(calls: readonly PlannedCall[]): string[][] {
  const waves: string[][] = [];
  const done = new Set<string>();
  let left = [...calls];
  while (left.length > 0) {
    const ready = left.filter((call) => call.dependsOn.every((id) => done.has(id)));
    if (ready.length === 0) {
      const cycle = findCycle(left);
      throw invalid(`the calls ${cycle.join(' → ')} reference each other in a cycle; none of them can run first`, {
        cycle,
      });
    }
    waves.push(ready.map((call) => call.id));
    for (const call of ready) done.add(call.id);
    left = left.filter((call) => !done.has(call.id));
  }
  return waves;
}

function findCycle(calls: readonly PlannedCall[]): string[] {
  const byId = new Map(calls.map((call) => [call.id, call]));
  const path: string[] = [];
  const onPath = new Set<string>();
  const visited = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    if (onPath.has(id)) return [...path.slice(path.indexOf(id)), id];
    if (visited.has(id)) return undefined;
    visited.add(id);
    onPath.add(id);
    path.push(id);
    for (const next of byId.get(id)?.dependsOn ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(id);
    return undefined;
  };
  for (const call of calls) {
    const cycle = visit(call.id);
    if (cycle) return cycle;
  }
  return calls.map((call) => call.id);
}

function invalid(message: string, data: Record<string, unknown>): LocalmcpError {
  return new LocalmcpError(ErrorCodes.PLAN_INVALID, `invalid tool-call plan: ${message}; nothing was run`, { data });
}
