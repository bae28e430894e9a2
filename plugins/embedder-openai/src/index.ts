import { definePlugin } from '@localmcp/plugin-api';
import { createOpenAIEmbedder } from './embedder.js';
import { OpenAIEmbedderOptionsSchema } from './options.js';

export { OpenAIEmbedder, createOpenAIEmbedder, openAIEmbedderId } from './embedder.js';
export { DEFAULT_OPENAI_BASE_URL, DEFAULT_OPENAI_EMBEDDING_MODEL, OpenAIEmbedderOptionsSchema } from './options.js';
export type { OpenAIEmbedderOptions } from './options.js';

/**
 * `embedder:openai`: embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure, Ollama, llama.cpp,
 * vLLM, LM Studio...) through the openai SDK. The API key comes from an environment variable or a file.
 */
export default definePlugin({
  kind: 'embedder',
  name: 'openai',
  description: 'Embeddings from an OpenAI-compatible /embeddings endpoint (key from env or a file)',
  options: OpenAIEmbedderOptionsSchema,
  create: createOpenAIEmbedder,
});
