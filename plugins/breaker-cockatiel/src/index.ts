import { definePlugin } from '@localmcp/plugin-api';
import { CockatielOptionsSchema } from './options.js';
import { CockatielBreakerPolicy } from './policy.js';

export { CockatielBreakerPolicy } from './policy.js';
export { CockatielOptionsSchema, PolicyLayerSchema, PolicySettingsSchema } from './options.js';
export type { CockatielOptions, CockatielOptionsInput, PolicyLayer, PolicySettings } from './options.js';
export { CircuitSnapshotSchema, PolicySnapshotSchema, ServerSnapshotSchema } from './snapshot.js';
export type { CircuitSnapshot, PolicySnapshot, ServerSnapshot } from './snapshot.js';

/**
 * `breaker:cockatiel`: a resilience policy composed from cockatiel's own policies with `wrap()`: a bulkhead, retry
 * with exponential backoff and jitter, a consecutive or sampling circuit breaker, and a timeout, with settings per
 * server and per tool. Calls are judged by the host's classifiers, as with the built-in breakers.
 */
export default definePlugin({
  kind: 'breaker',
  name: 'cockatiel',
  description: 'Retry, timeout, bulkhead and circuit breaker composed from cockatiel',
  options: CockatielOptionsSchema,
  create: (options, ctx) => ({ createPolicy: (host) => new CockatielBreakerPolicy(options, host, ctx) }),
});
