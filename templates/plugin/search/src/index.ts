import { definePlugin } from '@localmcp/plugin-api';
import { {{className}} } from './backend.js';
import { OptionsSchema } from './options.js';

export { {{className}} } from './backend.js';
export { OptionsSchema, type Options } from './options.js';

/**
 * `{{id}}`: a vector index for tool discovery. The gateway embeds every tool with the configured embedder and
 * keeps this index in step with the catalog (upsert, remove); `search_tools` fuses its hits with the lexical ranking.
 * Select it with `discovery.backend: search:{{name}}`.
 */
export default definePlugin({
  kind: 'search',
  name: '{{name}}',
  description: '{{description}}',
  options: OptionsSchema,
  create: (options) => new {{className}}(options),
});
