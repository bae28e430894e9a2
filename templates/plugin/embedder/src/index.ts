import { definePlugin } from '@localmcp/plugin-api';
import { {{className}} } from './embedder.js';
import { OptionsSchema } from './options.js';

export { {{className}} } from './embedder.js';
export { OptionsSchema, type Options } from './options.js';

/**
 * `{{id}}`: turns texts into vectors for tool discovery and the semantic cache. Select it with
 * `discovery.embedder: embedder:{{name}}`.
 */
export default definePlugin({
  kind: 'embedder',
  name: '{{name}}',
  description: '{{description}}',
  options: OptionsSchema,
  create: (options, ctx) => new {{className}}(options, ctx),
});
