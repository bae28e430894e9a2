import { definePlugin } from '@localmcp/plugin-api';
import { AnthropicProviderOptionsSchema } from './options.js';
import { createAnthropicProvider } from './provider.js';

export { AnthropicChatProvider, createAnthropicProvider } from './provider.js';
export { AnthropicProviderOptionsSchema, DEFAULT_ANTHROPIC_BASE_URL } from './options.js';
export type { AnthropicProviderOptions } from './options.js';

/**
 * `provider:anthropic`: Claude models through the Messages API with the official SDK: tool use, streaming, token
 * usage, cancellation. The API key comes from an environment variable or a file.
 */
export default definePlugin({
  kind: 'provider',
  name: 'anthropic',
  description: "Anthropic's Claude models through the Messages API (key from env or a file)",
  options: AnthropicProviderOptionsSchema,
  create: createAnthropicProvider,
});
