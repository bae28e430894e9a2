import { z } from 'zod';

// setTimeout fires at once for delays above 2^31-1 ms, so a larger wait would silently mean "no wait".
const MAX_MS = 2 ** 31 - 1;
const ms = () => z.number().int('expected whole milliseconds').min(1).max(MAX_MS);

/** The defaults of every setting; `maxDelayMs` and `maxHalfOpenAfterMs` are at least their starting values. */
export const DEFAULTS = {
  retry: { maxAttempts: 0, initialDelayMs: 200, maxDelayMs: 5_000 },
  timeout: { ms: 0, strategy: 'cooperative' },
  bulkhead: { limit: 0, queue: 0 },
  breaker: {
    type: 'consecutive',
    consecutiveThreshold: 5,
    samplingThreshold: 0.5,
    durationMs: 30_000,
    halfOpenAfterMs: 5_000,
    maxHalfOpenAfterMs: 300_000,
  },
} as const;

// One layer of settings as written: the top level, a `servers` entry or a `tools` entry. Every field is optional
// (a layer overrides only what it names) and unknown keys are refused, so a misspelt `maxAtempts` is an error.
const RetryLayerSchema = z.strictObject({
  /** Retries after the first attempt (cockatiel's meaning): 2 means up to 3 calls. 0 turns retrying off. */
  maxAttempts: z.number().int().min(0).max(10).optional(),
  /** The first backoff; later ones grow exponentially, with decorrelated jitter, up to `maxDelayMs`. */
  initialDelayMs: ms().optional(),
  maxDelayMs: ms().optional(),
});

const TimeoutLayerSchema = z.strictObject({
  /** How long one attempt may take; 0 means no timeout of the policy's own (the gateway's request timeout holds). */
  ms: z.number().int().min(0).max(MAX_MS).optional(),
  /** `cooperative`: abort the call's signal and wait for it to end; `aggressive`: also stop waiting at once. */
  strategy: z.enum(['cooperative', 'aggressive']).optional(),
});

const BulkheadLayerSchema = z.strictObject({
  /** Calls in flight at once; 0 means no limit. */
  limit: z.number().int().min(0).optional(),
  /** Calls waiting for a free slot; a call beyond limit + queue is refused. */
  queue: z.number().int().min(0).optional(),
});

const BreakerLayerSchema = z.strictObject({
  /** `consecutive`: trips after `threshold` failures in a row; `sampling`: on a failure ratio over `durationMs`. */
  type: z.enum(['consecutive', 'sampling']).optional(),
  /** consecutive: failures in a row (whole number, default 5); sampling: failure ratio in (0, 1) (default 0.5). */
  threshold: z.number().positive().optional(),
  /** sampling only: the window the ratio is measured over. */
  durationMs: ms().optional(),
  /** sampling only: calls per second below which the circuit never trips (default: enough for 5 failures/s). */
  minimumRps: z.number().positive().optional(),
  /** The first OPEN wait before a trial call; doubled on each failed trial, up to `maxHalfOpenAfterMs`. */
  halfOpenAfterMs: ms().optional(),
  maxHalfOpenAfterMs: ms().optional(),
});

/** One layer of settings: what the top level, a server or a tool may set. */
export const PolicyLayerSchema = z.strictObject({
  retry: RetryLayerSchema.optional(),
  timeout: TimeoutLayerSchema.optional(),
  bulkhead: BulkheadLayerSchema.optional(),
  breaker: BreakerLayerSchema.optional(),
});

/** One layer of settings as written. */
export type PolicyLayer = z.infer<typeof PolicyLayerSchema>;

/** The settings of one composed policy, every default applied. */
export const PolicySettingsSchema = z
  .object({
    retry: z.object({
      maxAttempts: z.number().int().min(0),
      initialDelayMs: ms(),
      maxDelayMs: ms().optional(),
    }),
    timeout: z.object({ ms: z.number().int().min(0), strategy: z.enum(['cooperative', 'aggressive']) }),
    bulkhead: z.object({ limit: z.number().int().min(0), queue: z.number().int().min(0) }),
    breaker: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('consecutive'),
        threshold: z
          .number()
          .int('a consecutive breaker counts failures in a row: expected a whole number (a ratio needs type sampling)')
          .min(1),
        halfOpenAfterMs: ms(),
        maxHalfOpenAfterMs: ms().optional(),
      }),
      z.object({
        type: z.literal('sampling'),
        threshold: z.number().gt(0).lt(1, 'a sampling breaker trips on a failure ratio: expected a number in (0, 1)'),
        durationMs: ms(),
        minimumRps: z.number().positive().optional(),
        halfOpenAfterMs: ms(),
        maxHalfOpenAfterMs: ms().optional(),
      }),
    ]),
  })
  .transform(({ retry, breaker, ...rest }) => ({
    ...rest,
    retry: { ...retry, maxDelayMs: retry.maxDelayMs ?? Math.max(DEFAULTS.retry.maxDelayMs, retry.initialDelayMs) },
    breaker: {
      ...breaker,
      maxHalfOpenAfterMs:
        breaker.maxHalfOpenAfterMs ?? Math.max(DEFAULTS.breaker.maxHalfOpenAfterMs, breaker.halfOpenAfterMs),
    },
  }))
  .superRefine((s, ctx) => {
    if (s.retry.initialDelayMs > s.retry.maxDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry', 'maxDelayMs'],
        message: `must be at least retry.initialDelayMs (${s.retry.initialDelayMs})`,
      });
    }
    if (s.breaker.halfOpenAfterMs > s.breaker.maxHalfOpenAfterMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['breaker', 'maxHalfOpenAfterMs'],
        message: `must be at least breaker.halfOpenAfterMs (${s.breaker.halfOpenAfterMs})`,
      });
    }
  });

/** The settings of one composed policy (one server's, or one tool's when it has overrides). */
export type PolicySettings = z.output<typeof PolicySettingsSchema>;

type Issue = { path: PropertyKey[]; message: string };

/**
 * Merges layers (later wins, section by section) and applies the defaults. A layer that switches the breaker's
 * type without a threshold gets that type's default threshold: a count and a ratio do not carry over.
 */
export function resolveSettings(
  layers: readonly PolicyLayer[],
): { settings: PolicySettings; issues?: never } | { issues: Issue[] } {
  // The maxima stay unset unless a layer sets them: the settings schema derives them from the starting values.
  const retry: Record<string, unknown> = {
    maxAttempts: DEFAULTS.retry.maxAttempts,
    initialDelayMs: DEFAULTS.retry.initialDelayMs,
  };
  const timeout: Record<string, unknown> = { ...DEFAULTS.timeout };
  const bulkhead: Record<string, unknown> = { ...DEFAULTS.bulkhead };
  const breaker: Record<string, unknown> = {
    type: DEFAULTS.breaker.type,
    durationMs: DEFAULTS.breaker.durationMs,
    halfOpenAfterMs: DEFAULTS.breaker.halfOpenAfterMs,
  };
  for (const layer of layers) {
    Object.assign(retry, layer.retry);
    Object.assign(timeout, layer.timeout);
    Object.assign(bulkhead, layer.bulkhead);
    if (layer.breaker?.type !== undefined && layer.breaker.type !== breaker.type) delete breaker.threshold;
    Object.assign(breaker, layer.breaker);
  }
  breaker.threshold ??=
    breaker.type === 'sampling' ? DEFAULTS.breaker.samplingThreshold : DEFAULTS.breaker.consecutiveThreshold;
  const issues: Issue[] = [];
  // The sampling-only fields would be dropped silently by a consecutive breaker: say so for the layer that set them.
  const last = layers[layers.length - 1]?.breaker;
  if (breaker.type === 'consecutive') {
    for (const key of ['durationMs', 'minimumRps'] as const) {
      if (last?.[key] !== undefined) {
        issues.push({ path: ['breaker', key], message: 'applies to a breaker of type sampling only' });
      }
    }
  }
  const parsed = PolicySettingsSchema.safeParse({ retry, timeout, bulkhead, breaker });
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ path: i.path, message: i.message })));
  return issues.length > 0 || !parsed.success ? { issues } : { settings: parsed.data };
}

const TOOL_KEY = /^([^/]+)\/(.+)$/;

/**
 * Options of the `breaker:cockatiel` plugin: the top-level settings, overridden per server (`servers`) and per tool
 * (`tools`, keyed `<server>/<tool>` with the tool's original name). A tool's settings are the top level, then its
 * server's, then its own. Validated options hold each server's and tool's settings resolved.
 */
export const CockatielOptionsSchema = z
  .strictObject({
    ...PolicyLayerSchema.shape,
    /** Per upstream server (or LLM provider): settings that override the top-level ones. */
    servers: z.record(z.string(), PolicyLayerSchema).optional(),
    /** Per tool, as `<server>/<tool>`: settings that override the server's; such a tool gets its own circuit. */
    tools: z.record(z.string(), PolicyLayerSchema).optional(),
  })
  .transform(({ servers = {}, tools = {}, ...top }, ctx) => {
    const fail = (prefix: PropertyKey[], issues: Issue[]) => {
      for (const issue of issues)
        ctx.addIssue({ code: 'custom', path: [...prefix, ...issue.path], message: issue.message });
    };
    const defaults = resolveSettings([top]);
    if (defaults.issues) {
      fail([], defaults.issues);
      return z.NEVER;
    }
    // Collected as entries: Object.fromEntries defines even a "__proto__" key as data, never as the prototype.
    const serverSettings: Array<[string, PolicySettings]> = [];
    const invalidServers = new Set<string>();
    for (const [server, layer] of Object.entries(servers)) {
      if (server.includes('/')) {
        fail(['servers', server], [{ path: [], message: 'a server name has no "/": put per-tool settings in tools' }]);
        continue;
      }
      const resolved = resolveSettings([top, layer]);
      if (resolved.issues) {
        fail(['servers', server], resolved.issues);
        invalidServers.add(server);
      } else serverSettings.push([server, resolved.settings]);
    }
    const toolSettings = new Map<string, Array<[string, PolicySettings]>>();
    for (const [key, layer] of Object.entries(tools)) {
      const match = TOOL_KEY.exec(key);
      if (!match) {
        fail(['tools', key], [{ path: [], message: 'expected "<server>/<tool>", such as "github/create_issue"' }]);
        continue;
      }
      const [, server = '', tool = ''] = match;
      if (invalidServers.has(server)) continue; // its server's error is reported once, above
      const resolved = resolveSettings([top, Object.hasOwn(servers, server) ? servers[server]! : {}, layer]);
      if (resolved.issues) fail(['tools', key], resolved.issues);
      else toolSettings.set(server, [...(toolSettings.get(server) ?? []), [tool, resolved.settings]]);
    }
    return {
      defaults: defaults.settings,
      servers: Object.fromEntries(serverSettings),
      tools: Object.fromEntries([...toolSettings].map(([server, tools]) => [server, Object.fromEntries(tools)])),
    };
  });

/** Options of the `breaker:cockatiel` plugin as written in the config. */
export type CockatielOptionsInput = z.input<typeof CockatielOptionsSchema>;
/** Validated options: the settings of the top level, of each overridden server, and of each overridden tool. */
export type CockatielOptions = z.output<typeof CockatielOptionsSchema>;
