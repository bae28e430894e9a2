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

// One server's elastic settings: its circuit, its tools' circuits, when to deconstruct and how to probe back.
const ElasticBaseSchema = z
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
  .strict();

type ElasticBaseInput = z.input<typeof ElasticBaseSchema>;

/** The settings of one server under the elastic policy, after defaults. */
export interface ElasticServerOptions extends Omit<z.output<typeof ElasticBaseSchema>, 'server' | 'tool'> {
  server: CircuitOptions;
  tool: CircuitOptions;
}

/**
 * The elastic policy: a server circuit, plus when to deconstruct and how to probe back. `servers` overrides any
 * of these for one server (its `server` and `tool` circuit fields merge with the top-level ones); `tools` sets
 * the circuit of one tool, keyed `<server>/<tool>` (the upstream's own tool name), over the tool defaults.
 */
export const ElasticOptionsSchema = ElasticBaseSchema.extend({
  servers: z.record(z.string().min(1), z.record(z.string(), z.unknown())).default({}),
  tools: z
    .record(z.string().regex(/^[^/]+\/.+$/, 'tool keys are "<server>/<tool>"'), z.record(z.string(), z.unknown()))
    .default({}),
})
  .strict()
  .transform((o, ctx) => {
    const { servers: serverInputs, tools: toolInputs, ...base } = o;
    const top = resolveServer(base, [], ctx);
    if (!top) return z.NEVER;
    const servers: Record<string, ElasticServerOptions> = {};
    for (const [name, override] of Object.entries(serverInputs)) {
      const merged = mergeOverride(base as ElasticBaseInput, override);
      const parsed = ElasticBaseSchema.safeParse(merged);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: ['servers', name, ...issue.path] });
        }
        continue;
      }
      const resolved = resolveServer(parsed.data, ['servers', name], ctx);
      if (resolved) servers[name] = resolved;
    }
    const tools: Record<string, CircuitOptions> = {};
    for (const [key, override] of Object.entries(toolInputs)) {
      const server = key.slice(0, key.indexOf('/'));
      const serverTool = (servers[server] ?? top).tool;
      const parsed = CircuitOptionsSchema.safeParse({ ...serverTool, ...override });
      for (const issue of parsed.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['tools', key, ...issue.path] });
      }
      if (parsed.success) tools[key] = parsed.data;
    }
    return { ...top, servers, tools };
  });

function mergeOverride(base: ElasticBaseInput, override: Record<string, unknown>): Record<string, unknown> {
  const circuit = (key: 'server' | 'tool') => ({
    ...((base[key] as object | undefined) ?? {}),
    ...((override[key] as object | undefined) ?? {}),
  });
  return { ...base, ...override, server: circuit('server'), tool: circuit('tool') };
}

function resolveServer(
  o: z.output<typeof ElasticBaseSchema>,
  path: PropertyKey[],
  ctx: z.RefinementCtx,
): ElasticServerOptions | undefined {
  const server = CircuitOptionsSchema.safeParse(o.server ?? {});
  const tool = CircuitOptionsSchema.safeParse({ ...TOOL_DEFAULTS, ...(o.tool ?? {}) });
  for (const [key, parsed] of [
    ['server', server],
    ['tool', tool],
  ] as const) {
    for (const issue of parsed.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, key, ...issue.path] });
    }
  }
  if (!server.success || !tool.success) return undefined;
  return { ...o, server: server.data, tool: tool.data };
}

export type ElasticOptions = z.output<typeof ElasticOptionsSchema>;
/** Elastic options as written in config: every field optional. */
export interface ElasticOptionsInput extends Omit<
  z.input<typeof ElasticOptionsSchema>,
  'server' | 'tool' | 'servers' | 'tools'
> {
  server?: CircuitOptionsInput;
  tool?: CircuitOptionsInput;
  servers?: Record<string, Omit<ElasticOptionsInput, 'servers' | 'tools'>>;
  tools?: Record<string, CircuitOptionsInput>;
}
