import { definePlugin } from '@localmcp/plugin-api';
import { OpenAIProviderOptionsSchema } from './options.js';
import { createOpenAIProvider } from './provider.js';

export { OpenAIChatProvider, createOpenAIProvider } from './provider.js';
export { DEFAULT_OPENAI_BASE_URL, OpenAIProviderOptionsSchema } from './options.js';
export type { OpenAIProviderOptions } from './options.js';

/**
 * `provider:openai`: chat models behind any OpenAI-compatible `/chat/completions` endpoint (OpenAI, Azure, Ollama,
 * vLLM, LM Studio, llama.cpp) through the openai SDK: tool calls, streaming, token usage, cancellation. The API key
 * comes from an environment variable or a file.
 */
export default definePlugin({
  kind: 'provider',
  name: 'openai',
  description: 'Chat models of OpenAI and OpenAI-compatible servers (key from env or a file)',
  options: OpenAIProviderOptionsSchema,
  create: createOpenAIProvider,
});
