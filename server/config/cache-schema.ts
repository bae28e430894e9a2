import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField, nonEmptyString, stringList } from './schema-fields.js';

const MAX_MS = 2 ** 31 - 1;
const MiB = 1024 * 1024;
const ms = () => intField(0, MAX_MS, `an integer number of milliseconds (0 to ${MAX_MS})`);
const bytes = (min: number) =>
  intField(min, Number.MAX_SAFE_INTEGER, `an integer number of bytes (at least ${min}), e.g. ${64 * MiB} for 64 MiB`);

// A similarity in [0, 1]; like the other numeric fields it may arrive as a string from `${ENV}` interpolation.
const similarity = () => {
  const message = expected('a number between 0 and 1');
  return z.preprocess(
    (value: number | string) =>
      typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value,
    z.number(message).min(0, message).max(1, message),
  );
};

const L1Schema = z
  .object(
    {
      /** Bound of the in-process cache, as the summed JSON size of the results it holds. */
      maxBytes: bytes(1024).default(64 * MiB),
      /** A bigger result is not kept in memory (it could push out thousands of small ones). */
      maxEntryBytes: bytes(1).default(MiB),
    },
    expected('an object with "maxBytes" and/or "maxEntryBytes"'),
  )
  .refine((l1) => l1.maxEntryBytes <= l1.maxBytes, {
    path: ['maxEntryBytes'],
    message: 'must not be larger than "maxBytes"',
  });

const L2Schema = z.object(
  {
    /** Unset means: on when the top-level `redis` section is configured. */
    enabled: booleanField().optional(),
    /** A bigger result is not written to Redis (one slow write would stall the shared connection). */
    maxEntryBytes: bytes(1).default(MiB),
    /** After a failed Redis command, Redis is skipped this long: a slow Redis costs one timeout, not one per call. */
    cooldownMs: ms().default(1_000),
  },
  expected('an object with "enabled", "maxEntryBytes" and/or "cooldownMs"'),
);

const L3Schema = z.object(
  {
    enabled: booleanField().default(false),
    /** The embedder plugin id (`embedder:transformers`); unset means the one `discovery.embedder` names. */
    embedder: nonEmptyString('a plugin id like "embedder:transformers"').optional(),
    /** Cosine similarity from which a cached result of a similar call is served. */
    threshold: similarity().default(0.95),
    /** Vectors kept in memory; the least recently matched go first. */
    maxEntries: intField(1, 10_000_000, 'an integer between 1 and 10000000').default(10_000),
  },
  expected('an object with "enabled", "embedder", "threshold" and/or "maxEntries"'),
);

const ServerCacheSchema = z.object(
  { ttlMs: ms().optional(), enabled: booleanField().optional() },
  expected('an object with "ttlMs" and/or "enabled"'),
);

const ToolRulesSchema = z.object(
  {
    /** `server/tool` globs cached even though their annotations do not say they are read-only or idempotent. */
    allow: stringList('array of "server/tool" globs, e.g. "github/get_*"').default([]),
    /** `server/tool` globs never cached; deny wins over allow and over annotations. */
    deny: stringList('array of "server/tool" globs').default([]),
    /** TTL by `server/tool` (globs allowed; an exact name wins over a glob). */
    ttl: z
      .record(z.string().min(1, 'a tool glob must not be empty'), ms(), expected('a map of "server/tool" to ms'))
      .default({}),
  },
  expected('an object with "allow", "deny" and/or "ttl"'),
);

/**
 * The `cache` section: tool results kept in memory (L1), in Redis (L2, shared by gateway processes) and, if an
 * embedder is configured, found by similar arguments (L3). Only tools whose annotations say they are read-only or
 * idempotent are cached, plus those `tools.allow` names; `ttlMs: 0` (anywhere) means "do not cache".
 */
export const CacheSchema = z.object(
  {
    enabled: booleanField().default(true),
    ttlMs: ms().default(60_000),
    /** After the TTL, a result is still served for this long while one background call refreshes it. */
    staleWhileRevalidateMs: ms().default(0),
    /** After the TTL, a result stays available this long as a fallback for a failing upstream (`lastGood`). */
    staleIfErrorMs: ms().default(86_400_000),
    l1: L1Schema.prefault({}),
    l2: L2Schema.prefault({}),
    l3: L3Schema.prefault({}),
    servers: z
      .record(
        z.string().min(1, 'a server name must not be empty'),
        ServerCacheSchema,
        expected('a map of server names to {ttlMs, enabled}'),
      )
      .default({}),
    tools: ToolRulesSchema.prefault({}),
  },
  expected('an object'),
);

export type CacheConfig = z.infer<typeof CacheSchema>;
export type CacheConfigInput = z.input<typeof CacheSchema>;
