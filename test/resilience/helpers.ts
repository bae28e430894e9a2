import { ErrorCodes, LocalmcpError, type BreakerPolicy, type CallTarget } from '@localmcp/plugin-api';
import type { TransitionEvent } from '../../server/resilience/events.js';

/** An upstream timeout as the router describes it: a failure by default. */
export const timeout = (): LocalmcpError =>
  new LocalmcpError(ErrorCodes.UPSTREAM_TIMEOUT, 'upstream "s" did not answer tools/call within 10 ms');

/** A call that counts how often it really ran. */
export function upstream(outcome: () => Promise<unknown>): { calls: number; call: () => Promise<unknown> } {
  const counter = {
    calls: 0,
    call: () => {
      counter.calls++;
      return outcome();
    },
  };
  return counter;
}

export const ok = (): Promise<string> => Promise.resolve('ok');
export const failing = (): Promise<never> => Promise.reject(timeout());

/** Runs `n` failing calls, swallowing their errors. */
export async function failTimes(policy: BreakerPolicy, target: CallTarget, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await policy.execute(target, failing).catch(() => undefined);
}

/** `from→to (reason)` for each event, with `server/tool` when a tool changed. */
export function describeEvents(events: TransitionEvent[]): string[] {
  return events.map((e) => `${e.server}${e.tool === undefined ? '' : `/${e.tool}`} ${e.from}→${e.to} (${e.reason})`);
}
