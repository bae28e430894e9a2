import { z } from 'zod';
import { ElasticOptionsSchema } from '../resilience/options.js';
import { expected } from './format-issues.js';

/**
 * The `resilience` section: the circuit breaker every upstream call passes. `elastic` (default) trips a server
 * after repeated failures and, after repeated trips, splits it into per-tool circuits so its healthy tools stay
 * usable; `none` turns breaking off. Options are the elastic policy's (server/tool circuits, probes).
 */
export const ResilienceSchema = z.object(
  {
    policy: z.enum(['elastic', 'none'], expected('"elastic" or "none"')).default('elastic'),
    elastic: ElasticOptionsSchema.prefault({}),
  },
  expected('an object with "policy" and/or "elastic"'),
);

export type ResilienceConfig = z.infer<typeof ResilienceSchema>;
