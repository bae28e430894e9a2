import { ErrorCodes, isLocalmcpError, LocalmcpError } from '@localmcp/plugin-api';
import type { BreakerState } from './events.js';

/** The code of a call refused by an open circuit. */
export const CIRCUIT_OPEN = ErrorCodes.CIRCUIT_OPEN;

/** What a refused call carries in `data`, so the edge and fallbacks can say what is down and for how long. */
export interface CircuitOpenData extends Record<string, unknown> {
  server: string;
  tool?: string;
  state: BreakerState;
  /** Milliseconds until the circuit lets a call (or a probe) through again, when known. */
  retryAfterMs?: number;
}

/** A call the breaker refused without sending it upstream. */
export function circuitOpenError(data: CircuitOpenData): LocalmcpError {
  const what =
    data.tool === undefined ? `upstream "${data.server}"` : `tool "${data.tool}" of upstream "${data.server}"`;
  const when = data.retryAfterMs === undefined ? '' : `; retry in ${Math.ceil(data.retryAfterMs / 1000)} s`;
  return new LocalmcpError(CIRCUIT_OPEN, `${what} is unavailable (circuit ${data.state})${when}`, { data });
}

/** True for an error the breaker raised instead of making a call (from any copy of the api package). */
export function isCircuitOpenError(error: unknown): error is LocalmcpError & { data: CircuitOpenData } {
  return isLocalmcpError(error) && error.code === CIRCUIT_OPEN;
}
