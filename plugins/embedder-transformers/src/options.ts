import { z } from 'zod';

/** The model used when none is configured: a 384-dimension sentence embedder, 23 MB quantized. */
export const DEFAULT_TRANSFORMERS_MODEL = 'Xenova/all-MiniLM-L6-v2';

// `owner/name` or `name`; no `..`, since the id also becomes a folder under the model and cache folders.
const HUB_ID = /^(?!.*\.\.)[\w.-]+(?:\/[\w.-]+)?$/;

/**
 * Options of the `embedder:transformers` plugin. Unknown keys are refused, so a misspelt `modelpath` is an error
 * rather than a silent fallback to the default model.
 */
export const TransformersEmbedderOptionsSchema = z.strictObject({
  /** The model's name: a Hugging Face Hub id. It names the embeddings (the embedder id) even when `modelPath` is set. */
  model: z
    .string()
    .regex(HUB_ID, 'expected a Hugging Face model id such as Xenova/all-MiniLM-L6-v2')
    .default(DEFAULT_TRANSFORMERS_MODEL),
  /**
   * A local folder laid out as transformers.js reads it: `config.json`, `tokenizer.json`, `tokenizer_config.json`
   * and `onnx/model_quantized.onnx` (or `onnx/model.onnx` with `quantized: false`). `~/` is the home directory;
   * a relative path is resolved against the gateway's working directory.
   */
  modelPath: z.string().min(1).optional(),
  /**
   * Where transformers.js keeps models it downloaded (with `allowRemote`) and where a model without `modelPath`
   * is looked for, as `<cacheDir>/<model>/`. Default: transformers.js's own cache folder.
   */
  cacheDir: z.string().min(1).optional(),
  /** Load `onnx/model_quantized.onnx` (8-bit weights) rather than `onnx/model.onnx`. */
  quantized: z.boolean().default(true),
  /** How token vectors become one text vector: their mean over the attention mask, or the first ([CLS]) token. */
  pooling: z.enum(['mean', 'cls']).default('mean'),
  /** L2-normalise every vector (the gateway compares vectors by dot product, so leave this on). */
  normalize: z.boolean().default(true),
  /** Texts per model run. Larger batches are faster per text but pad every text to the batch's longest. */
  batchSize: z.number().int().min(1).max(1024).default(32),
  /**
   * Allow downloading the model from the Hugging Face Hub when it is not found locally. Off by default: the
   * plugin then never touches the network, and a missing model fails at start-up with where to put the files.
   */
  allowRemote: z.boolean().default(false),
});

/** Validated options of the `embedder:transformers` plugin (defaults applied). */
export type TransformersEmbedderOptions = z.infer<typeof TransformersEmbedderOptionsSchema>;
