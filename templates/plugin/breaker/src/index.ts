import { definePlugin } from '@localmcp/plugin-api';
import { OptionsSchema } from './options.js';
import { {{className}} } from './policy.js';

export { {{className}} } from './policy.js';
export { OptionsSchema, type Options } from './options.js';

/**
 * `{{id}}`: a circuit breaker per upstream server. Consecutive failures open the circuit; after `openMs` one trial
 * call decides whether it closes again. Select it with `resilience.policy: {{name}}`.
 */
export default definePlugin({
  kind: 'breaker',
  name: '{{name}}',
  description: '{{description}}',
  options: OptionsSchema,
  // The gateway makes one policy per host (its upstreams; the LLM router its providers).
  create: (options) => ({ createPolicy: (host) => new {{className}}(options, host) }),
});
