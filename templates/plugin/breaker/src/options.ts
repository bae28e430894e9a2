import { z } from 'zod';

// One circuit's settings, without defaults: the top level adds them, per-server overrides leave them out.
const circuit = {
  /** Consecutive failed calls that open a server's circuit. */
  failureThreshold: z.number().int().min(1),
  /** How long an open circuit refuses calls before it lets one trial call through, in milliseconds. */
  openMs: z.number().int().min(1),
};

/**
 * Options of `{{id}}`: the settings of every server's circuit, and per-server overrides under `servers` (the
 * convention of breaker plugins). Unknown keys are refused, so a misspelt `openMS` is an error, not a no-op.
 */
export const OptionsSchema = z.strictObject({
  failureThreshold: circuit.failureThreshold.default(5),
  openMs: circuit.openMs.default(10_000),
  servers: z.record(z.string(), z.strictObject(circuit).partial()).default({}),
});

/** Validated options (defaults applied). */
export type Options = z.infer<typeof OptionsSchema>;
