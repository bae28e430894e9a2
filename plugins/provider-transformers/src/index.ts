import { definePlugin } from '@localmcp/plugin-api';
import { TransformersProviderOptionsSchema } from './options.js';
import { createTransformersProvider } from './provider.js';

export { TransformersChatProvider, createTransformersProvider } from './provider.js';
export { TransformersProviderOptionsSchema, weightsFile } from './options.js';
export type { TransformersProviderOptions } from './options.js';
export { checkModelFolder } from './model-folder.js';
export { ToolCallTextFilter, parseHermesToolCalls } from './tool-calls.js';

/**
 * `provider:transformers`: a chat model from a local folder, run in this process by transformers.js (no server, no
 * key, no network: it never downloads). Tool calls in the Hermes `<tool_call>` format of the model's chat template.
 */
export default definePlugin({
  kind: 'provider',
  name: 'transformers',
  description: 'An in-process chat model from a local folder via @huggingface/transformers (never downloads)',
  options: TransformersProviderOptionsSchema,
  create: createTransformersProvider,
});
