import { definePlugin, readApiKey } from '@localmcp/plugin-api';
import { OptionsSchema } from './options.js';
import { {{className}} } from './provider.js';

export { {{className}} } from './provider.js';
export { OptionsSchema, type Options } from './options.js';

/**
 * `{{id}}`: chat with tool calls against an OpenAI-compatible `/chat/completions` endpoint. Change `provider.ts`
 * to speak your vendor's wire format; the contract (ChatProvider) stays the same.
 */
export default definePlugin({
  kind: 'provider',
  name: '{{name}}',
  description: '{{description}}',
  options: OptionsSchema,
  create: async (options, ctx) => {
    const apiKey = await readApiKey({ apiKeyEnv: options.apiKeyEnv }, ctx, { optional: true });
    return new {{className}}(options, ctx, apiKey);
  },
});
