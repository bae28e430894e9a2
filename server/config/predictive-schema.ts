import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField } from './schema-fields.js';

/** A number in [min, max], also written as a numeric string (interpolation yields strings). */
function numberIn(min: number, max: number) {
  const message = expected(`a number between ${min} and ${max}`);
  return z.preprocess(
    (value: number | string) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    z.number(message).min(min, message).max(max, message),
  );
}

/**
 * `discovery.predictive`: which tool tends to follow which, learned from the tool calls of each MCP session and
 * agent run, used to boost search_tools rankings within a session and to warm what a likely next call needs.
 */
export const PredictiveSchema = z.object(
  {
    enabled: booleanField().default(true),
    /**
     * How much a likely successor's score grows in search_tools: score × (1 + boost × P(next | last tool)). 0 turns
     * the ranking boost off and keeps learning and warming. Bounded, so a query that does not match a tool still
     * does not rank it.
     */
    boost: numberIn(0, 2).default(0.5),
    /** A successor is warmed only at or above this probability. */
    minProbability: numberIn(0, 1).default(0.5),
    /** Observations a transition needs before it boosts or warms anything (one call is not a habit). */
    minCount: intField(1, 1_000_000, 'an integer of at least 1').default(2),
    /** Successors remembered per tool (the weakest is forgotten first). */
    maxSuccessors: intField(1, 100, 'an integer between 1 and 100').default(8),
    /**
     * Also call a likely successor ahead of time so its answer waits in the result cache: only tools that are
     * read-only by their annotations, cacheable by the `cache` config, and take no required arguments. Off by
     * default: it spends upstream calls on a guess.
     */
    prefetch: booleanField().default(false),
    /** Keep what was learned in the data dir across restarts. */
    persist: booleanField().default(true),
  },
  expected('an object'),
);

export type PredictiveConfig = z.infer<typeof PredictiveSchema>;
