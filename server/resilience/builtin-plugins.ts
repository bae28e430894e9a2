import { definePlugin, type BreakerHost } from '@localmcp/plugin-api';
import { ClassicBreakerPolicy, ClassicOptionsSchema, type PolicyDeps } from './classic-policy.js';
import { ElasticBreaker, type ElasticDeps } from './elastic-breaker.js';
import { ElasticOptionsSchema } from './options.js';

/** How the host's judgement of outcomes reaches our policies' classifier hooks. */
function policyDeps(host: BreakerHost): PolicyDeps {
  return {
    classify: (error) => host.classifyError(error),
    classifyResult: (result) => host.classifyResult(result),
  };
}

/**
 * `breaker:elastic`, the default policy: the Elastic Circuit De-Constructor (CLOSED, OPEN, HALF_OPEN and
 * DECONSTRUCTED, per-tool circuits, background probes). Declared with definePlugin() like any third-party
 * breaker, so the host loads, validates and reports it the same way.
 */
export const elasticBreakerPlugin = definePlugin({
  kind: 'breaker',
  name: 'elastic',
  description: 'Circuit breaker that splits a failing server into per-tool circuits (built in, the default).',
  options: ElasticOptionsSchema,
  create: (options) => ({
    createPolicy: (host: BreakerHost) =>
      new ElasticBreaker(options, {
        ...policyDeps(host),
        probe: (server, signal) => host.probe({ server }, signal),
      } satisfies ElasticDeps),
  }),
});

/** `breaker:classic`: one three-state circuit per server. */
export const classicBreakerPlugin = definePlugin({
  kind: 'breaker',
  name: 'classic',
  description: 'Classic three-state circuit breaker, one circuit per server (built in).',
  options: ClassicOptionsSchema,
  create: (options) => ({ createPolicy: (host: BreakerHost) => new ClassicBreakerPolicy(options, policyDeps(host)) }),
});

export default [elasticBreakerPlugin, classicBreakerPlugin];
