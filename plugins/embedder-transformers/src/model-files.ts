import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { ErrorCodes, PluginError } from '@localmcp/plugin-api';
import { DEFAULT_TRANSFORMERS_MODEL } from './options.js';
import type { TransformersEmbedderOptions } from './options.js';

/** The files transformers.js reads for a feature-extraction model, besides the weights. */
export const MODEL_CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** The weights file transformers.js picks: `dtype: 'q8'` reads `model_quantized.onnx`, `fp32` reads `model.onnx`. */
export function weightsFile(quantized: boolean): string {
  return quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

// What the default model's weights are, so the error for a missing model can say exactly which file to fetch
// (../shared/models/README.md of the project records the same figures).
const DEFAULT_MODEL_WEIGHTS =
  '22,972,370 bytes, sha256 afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1';

/** Where the model comes from, as handed to transformers.js. */
export interface ModelSource {
  /** An absolute folder (never taken for a Hub id by transformers.js), or a Hub id when downloading is allowed. */
  pathOrId: string;
  /** True unless the model may be downloaded: transformers.js then reads local files only. */
  localFilesOnly: boolean;
  /** transformers.js's cache folder for downloads; undefined for its default. */
  cacheDir: string | undefined;
}

/** A path from the config: `~/` is the home directory, relative paths start at the working directory. */
export function resolveUserPath(path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(process.env.HOME || homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(path);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The files of a model folder that are missing, in the order transformers.js needs them. */
export async function missingModelFiles(folder: string, quantized: boolean): Promise<string[]> {
  const needed = [...MODEL_CONFIG_FILES, weightsFile(quantized)];
  const present = await Promise.all(needed.map((file) => isFile(join(folder, file))));
  return needed.filter((_, i) => !present[i]);
}

/** How to get the model onto this machine, for error messages. */
export function howToProvide(options: TransformersEmbedderOptions): string {
  const weights = weightsFile(options.quantized);
  const size = options.model === DEFAULT_TRANSFORMERS_MODEL && options.quantized ? ` (${DEFAULT_MODEL_WEIGHTS})` : '';
  return (
    `put ${[...MODEL_CONFIG_FILES, weights].join(', ')}${size} from https://huggingface.co/${options.model} ` +
    'in one folder and set the option modelPath to it'
  );
}

async function otherWeightsHint(folder: string, quantized: boolean): Promise<string> {
  if (!(await isFile(join(folder, weightsFile(!quantized))))) return '';
  return `; it has ${weightsFile(!quantized)}: set quantized: ${!quantized} to use that`;
}

/**
 * Finds the model: `modelPath` when set; otherwise `<model>` under transformers.js's local model folder or the
 * cache folder; otherwise, only with `allowRemote`, the Hub id for transformers.js to download. Checks that the
 * files transformers.js will read are there, so that a missing model fails here, with a PluginError (hook `create`)
 * saying what to put where, and not deep inside transformers.js with one file name.
 */
export async function locateModel(options: TransformersEmbedderOptions, pluginId: string): Promise<ModelSource> {
  const notFound = (message: string) => new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, pluginId, 'create', message);
  const cacheDir = options.cacheDir === undefined ? undefined : resolveUserPath(options.cacheDir);
  if (options.modelPath !== undefined) {
    const folder = resolveUserPath(options.modelPath);
    const exists = await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!exists) {
      throw notFound(`modelPath ${folder} is not a folder; ${howToProvide(options)}`);
    }
    const missing = await missingModelFiles(folder, options.quantized);
    if (missing.length > 0) {
      throw notFound(
        `modelPath ${folder} has no ${missing.join(', ')}${await otherWeightsHint(folder, options.quantized)}; ` +
          howToProvide(options),
      );
    }
    return { pathOrId: folder, localFilesOnly: true, cacheDir };
  }

  // The two places transformers.js itself looks before downloading. Handing it the folder found (an absolute
  // path) rather than the id keeps the global `env` untouched: other instances may want other settings.
  const candidates = [env.localModelPath, cacheDir ?? env.cacheDir]
    .filter((dir): dir is string => typeof dir === 'string' && dir !== '')
    .map((dir) => join(dir, options.model));
  for (const folder of candidates) {
    if ((await missingModelFiles(folder, options.quantized)).length === 0) {
      return { pathOrId: folder, localFilesOnly: true, cacheDir };
    }
  }
  if (options.allowRemote) return { pathOrId: options.model, localFilesOnly: false, cacheDir };
  throw notFound(
    `model ${options.model} is not available locally (looked in ${candidates.join(' and ')}) and allowRemote is ` +
      `false, so nothing is downloaded; ${howToProvide(options)}, or set allowRemote: true to download it once`,
  );
}
