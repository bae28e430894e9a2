import { z } from 'zod';

// cockatiel's CircuitState values: its toJSON() writes CLOSED (0) as is and HALF_OPEN as OPEN (1) whose wait is
// over (openedAt 0), so a snapshot holds only those two.
const OwnStateSchema = z.discriminatedUnion('value', [
  z.looseObject({ value: z.literal(0) }),
  z.looseObject({
    value: z.literal(1),
    openedAt: z.number().min(0),
    attemptNo: z.number().int().min(1),
  }),
]);

const STATE = z.enum(['CLOSED', 'OPEN', 'HALF_OPEN', 'DECONSTRUCTED']);
const TYPE = z.enum(['consecutive', 'sampling']);
const COCKATIEL = z.object({ ownState: OwnStateSchema, breakerState: z.unknown() });

/** One circuit in a snapshot: its state for people, and cockatiel's own `toJSON()` to restore it from. */
export const CircuitSnapshotSchema = z.object({
  state: STATE,
  /** The breaker type that counted; counters of another type are not restored. */
  type: TYPE,
  /** Epoch milliseconds when an OPEN circuit lets a trial call through. */
  openUntil: z.number().optional(),
  /** Trips in a row since the circuit last closed (cockatiel's attempt number), while OPEN. */
  trips: z.number().int().optional(),
  /** cockatiel's `CircuitBreakerPolicy.toJSON()`: `ownState` (state, when opened, trips in a row), `breakerState`. */
  cockatiel: COCKATIEL,
});

/** One circuit in a snapshot. */
export type CircuitSnapshot = z.infer<typeof CircuitSnapshotSchema>;

/**
 * One server in a snapshot: its own circuit's fields (absent `type` and `cockatiel` when only its tools' circuits
 * were used), and the circuits of its tools that have settings of their own.
 */
export const ServerSnapshotSchema = CircuitSnapshotSchema.partial({ type: true, cockatiel: true })
  .extend({ tools: z.record(z.string(), CircuitSnapshotSchema).optional() })
  .refine((s) => (s.type === undefined) === (s.cockatiel === undefined), {
    message: 'type and cockatiel come together',
  });

/** One server in a snapshot. */
export type ServerSnapshot = z.infer<typeof ServerSnapshotSchema>;

/** What `toJSON()` of a `breaker:cockatiel` policy returns, and what `restore()` takes. */
export const PolicySnapshotSchema = z.object({
  version: z.literal(1),
  /** Epoch milliseconds. */
  at: z.number(),
  /** By server: the circuit its calls (and those of its tools without settings of their own) pass, and its tools'. */
  servers: z.record(z.string(), ServerSnapshotSchema),
});

/** A snapshot of a `breaker:cockatiel` policy. */
export type PolicySnapshot = z.infer<typeof PolicySnapshotSchema>;
