import { z } from 'zod';
import { expected } from './format-issues.js';
import { intField, nonEmptyString, stringList } from './schema-fields.js';
import { PredictiveSchema } from './predictive-schema.js';

/** How tools reach a downstream client: all of them, only the meta-tools, or the meta-tools plus pinned ones. */
export const DISCOVERY_MODES = ['all', 'discovery', 'hybrid'] as const;
export type DiscoveryMode = (typeof DISCOVERY_MODES)[number];

/** The `discovery` section: active tool discovery (search, then call) instead of listing every schema. */
export const DiscoverySchema = z.object(
  {
    // `all` keeps the gateway a drop-in aggregator; `discovery`/`hybrid` are per endpoint too (/mcp/discovery).
    mode: z.enum(DISCOVERY_MODES, expected('"all", "discovery" or "hybrid"')).default('all'),
    /** Public tool names (globs) listed next to the meta-tools in hybrid mode. */
    pinned: stringList('array of tool name globs').default([]),
    strategy: z.enum(['two-stage', 'single-stage'], expected('"two-stage" or "single-stage"')).default('two-stage'),
    /** Results search_tools returns when the model gives no limit; the model may ask for up to maxLimit. */
    defaultLimit: intField(1, 100, 'an integer between 1 and 100').default(5),
    maxLimit: intField(1, 100, 'an integer between 1 and 100').default(20),
    /** An embedder plugin id (`embedder:transformers`); dense scores are then fused with the lexical ones. */
    embedder: nonEmptyString('a plugin id like "embedder:transformers"').optional(),
    /** The vector backend plugin id used with an embedder. */
    backend: nonEmptyString('a plugin id like "search:exact"').default('search:exact'),
    fusion: z
      .object(
        {
          method: z.enum(['rrf', 'weighted'], expected('"rrf" or "weighted"')).default('rrf'),
          /** With `weighted`: the dense share of the score (0..1). */
          weight: z.number(expected('a number between 0 and 1')).min(0).max(1).default(0.5),
        },
        expected('an object with "method" and/or "weight"'),
      )
      .prefault({}),
    /** Where embeddings are kept between runs (default: the CLI's data dir). */
    cacheDir: nonEmptyString('a directory path').optional(),
    /** Learned tool-to-tool transitions: a ranking boost within a session and warming of likely next tools. */
    predictive: PredictiveSchema.prefault({}),
  },
  expected('an object'),
);

export type DiscoveryConfig = z.infer<typeof DiscoverySchema>;
