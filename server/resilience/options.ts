import { z } from 'zod';

// setTimeout fires at once for delays above 2^31-1 ms (see server/config/server-schema.ts).
const ms = () =>
  z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1);

/**
 * One circuit's options. A circuit trips when, within `windowMs`, failures reach `failureThreshold` (0 turns
 * the count off) or, once `minimumCalls` calls were seen, the failure ratio reaches `failureRatio`.
 */
export const CircuitOptionsSchema = z
  .object({
    windowMs: ms().default(60_000),
    windowBuckets: z.number().int().min(1).max(600).default(10),
    failureThreshold: z.number().int().min(0).default(5),
    failureRatio: z.number().gt(0).max(1).optional(),
    minimumCalls: z.number().int().min(1).default(10),
    /** The first OPEN wait; the n-th consecutive trip waits `openMs · openMultiplier^(n-1)`, up to `maxOpenMs`. */
    openMs: ms().default(5_000),
    openMultiplier: z.number().min(1).default(2),
    maxOpenMs: ms().default(300_000),
    /** Trial calls allowed per HALF_OPEN period (in flight or succeeded). */
    halfOpenMaxCalls: z.number().int().min(1).default(1),
    /** Successful trials that close the circuit. */
    halfOpenSuccesses: z.number().int().min(1).default(1),
  })
  .strict()
  .refine((o) => o.failureThreshold > 0 || o.failureRatio !== undefined, {
    message: 'set failureThreshold > 0 or failureRatio, or the circuit can never trip',
  })
  .refine((o) => o.halfOpenSuccesses <= o.halfOpenMaxCalls, {
    message: 'halfOpenSuccesses must not exceed halfOpenMaxCalls',
    path: ['halfOpenSuccesses'],
  });

export type CircuitOptions = z.output<typeof CircuitOptionsSchema>;
export type CircuitOptionsInput = z.input<typeof CircuitOptionsSchema>;

/** Per-tool circuits of a deconstructed server: quicker to isolate a tool and to retry it than the server. */
const TOOL_DEFAULTS: CircuitOptionsInput = { failureThreshold: 3, openMs: 10_000, maxOpenMs: 120_000 };

/** The elastic policy: a server circuit, plus when to deconstruct and how to probe back. */
export const ElasticOptionsSchema = z
  .object({
    server: z.unknown().optional(),
    tool: z.unknown().optional(),
    /** Trips within `tripWindowMs` after which the server splits into per-tool circuits. */
    deconstructAfterTrips: z.number().int().min(1).default(3),
    tripWindowMs: ms().default(600_000),
    /** Background probe spacing: grows from `probeIntervalMs` to `maxProbeIntervalMs` (with jitter). */
    probeIntervalMs: ms().default(5_000),
    maxProbeIntervalMs: ms().default(60_000),
    probeTimeoutMs: ms().default(5_000),
  })
  .strict()
  .transform((o, ctx) => {
    const server = CircuitOptionsSchema.safeParse(o.server ?? {});
    const tool = CircuitOptionsSchema.safeParse({ ...TOOL_DEFAULTS, ...(o.tool ?? {}) });
    for (const [key, parsed] of [
      ['server', server],
      ['tool', tool],
    ] as const) {
      for (const issue of parsed.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
      }
    }
    if (!server.success || !tool.success) return z.NEVER;
    return { ...o, server: server.data, tool: tool.data };
  });

export type ElasticOptions = z.output<typeof ElasticOptionsSchema>;
/** Elastic options as written in config: every field optional. */
export interface ElasticOptionsInput extends Omit<z.input<typeof ElasticOptionsSchema>, 'server' | 'tool'> {
  server?: CircuitOptionsInput;
  tool?: CircuitOptionsInput;
}
