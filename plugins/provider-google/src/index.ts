import { definePlugin } from '@localmcp/plugin-api';
import { GoogleProviderOptionsSchema } from './options.js';
import { createGoogleProvider } from './provider.js';

export { GoogleChatProvider, createGoogleProvider } from './provider.js';
export { DEFAULT_GOOGLE_BASE_URL, GoogleProviderOptionsSchema } from './options.js';
export type { GoogleProviderOptions } from './options.js';

/**
 * `provider:google`: Gemini models through `@google/genai` (the maintained SDK; `@google/generative-ai` is
 * deprecated): function calls, streaming, token usage, cancellation. The API key comes from an environment
 * variable or a file.
 */
export default definePlugin({
  kind: 'provider',
  name: 'google',
  description: "Google's Gemini models through @google/genai (key from env or a file)",
  options: GoogleProviderOptionsSchema,
  create: createGoogleProvider,
});
