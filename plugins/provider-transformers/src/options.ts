import { z } from 'zod';

/**
 * Options of the `provider:transformers` plugin: one chat model from a local folder, run in-process by
 * transformers.js on onnxruntime (CPU). Nothing is ever downloaded: the folder must hold the model.
 */
export const TransformersProviderOptionsSchema = z.strictObject({
  /**
   * The model folder, in the layout transformers.js reads: `config.json`, `generation_config.json` (optional),
   * `tokenizer.json`, `tokenizer_config.json` (with a chat template) and `onnx/<weights>.onnx`. `~/` is the home
   * directory; a relative path starts at the working directory.
   */
  modelPath: z.string({ error: 'modelPath is required: the folder holding the model files' }).min(1),
  /** The name chat() answers report; the folder's name when unset. */
  name: z.string().min(1).optional(),
  /** Which weights to load: `onnx/model.onnx` (fp32), `model_fp16`, `model_quantized` (q8), `model_q4`. */
  dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).default('q4'),
  /** The answer's length bound when a request sets none. */
  defaultMaxTokens: z.number().int().min(1).default(512),
  /** The model's context window (prompt and answer), used to refuse a prompt that cannot fit. */
  contextWindow: z.number().int().min(256).default(8192),
});

/** Validated options of the `provider:transformers` plugin (defaults applied). */
export type TransformersProviderOptions = z.infer<typeof TransformersProviderOptionsSchema>;

/** The weights file each dtype reads, as transformers.js names them. */
export function weightsFile(dtype: TransformersProviderOptions['dtype']): string {
  const suffix = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' }[dtype];
  return `onnx/model${suffix}.onnx`;
}
