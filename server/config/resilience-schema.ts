import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField, nonEmptyString } from './schema-fields.js';

/** Where a failing call can still get an answer, tried in this order. */
export const FALLBACK_KINDS = ['stale', 'equivalent', 'degraded'] as const;
export type FallbackKind = (typeof FALLBACK_KINDS)[number];

const chain = () =>
  z
    .array(z.enum(FALLBACK_KINDS, expected('"stale", "equivalent" or "degraded"')), expected('array of fallbacks'))
    .refine((list) => new Set(list).size === list.length, 'a fallback is listed twice');

const FallbacksSchema = z.object(
  {
    /** The chain for every tool; `[]` turns fallbacks off (the caller gets the error). */
    chain: chain().default(['stale', 'degraded']),
    /** A stale result older than this is not served. */
    staleMaxAgeMs: intField(0, 2 ** 31 - 1, 'an integer number of milliseconds').default(86_400_000),
    /** `equivalent`: how similar (0..1, discovery score relative to the failing tool's own) another tool must be. */
    equivalentMinScore: z.number(expected('a number between 0 and 1')).min(0).max(1).default(0.5),
    /** Chains per tool, keyed by glob on `<server>/<tool>` (the upstream's own tool name); the first match wins. */
    tools: z
      .record(z.string().min(1), chain(), expected('a map of "<server>/<tool>" globs to fallback chains'))
      .default({}),
  },
  expected('an object'),
);

const ProbeSchema = z.object(
  {
    tool: nonEmptyString('the name of a tool of that server'),
    arguments: z.record(z.string(), z.unknown(), expected('an object')).default({}),
  },
  expected('an object with "tool" and optionally "arguments"'),
);

/**
 * The `resilience` section: the circuit-breaker policy every upstream call passes (a `breaker` plugin: `elastic`,
 * the default, `classic`, `cockatiel`, any installed one, or `none`), its options (validated by the plugin), what
 * counts as a failure, background probes, the fallback chain, and whether state is shared through Redis.
 */
export const ResilienceSchema = z.object(
  {
    policy: nonEmptyString('a breaker plugin name ("elastic", "classic", "cockatiel", ...) or "none"').default(
      'elastic',
    ),
    /** The policy's options, checked by its plugin (per-server and per-tool overrides included). */
    options: z.record(z.string(), z.unknown(), expected('an options object')).default({}),
    failures: z
      .object(
        {
          /** Count a tool result with `isError: true` as a failure. */
          toolErrors: booleanField().default(false),
          /** Count an upstream's "invalid params" answer as a failure. */
          invalidArguments: booleanField().default(false),
        },
        expected('an object'),
      )
      .prefault({}),
    /** Per server: probe with this tool call instead of MCP `ping`. */
    probes: z.record(z.string().min(1), ProbeSchema, expected('a map of server names to probes')).default({}),
    fallbacks: FallbacksSchema.prefault({}),
    /** With `redis` configured, share breaker state between workers and gateway instances (default on). */
    shared: z
      .object(
        {
          enabled: booleanField().default(true),
          /** How long a shared state outlives its last update. */
          ttlMs: intField(1_000, 2 ** 31 - 1, 'an integer number of milliseconds').default(600_000),
        },
        expected('an object'),
      )
      .prefault({}),
  },
  expected('an object with "policy", "options", "failures", "probes", "fallbacks" and/or "shared"'),
);

export type ResilienceConfig = z.infer<typeof ResilienceSchema>;
