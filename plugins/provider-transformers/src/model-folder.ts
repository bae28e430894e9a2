import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ErrorCodes, PluginError } from '@localmcp/plugin-api';
import { weightsFile, type TransformersProviderOptions } from './options.js';

/** The files transformers.js reads for a causal language model with a chat template, besides the weights. */
export const MODEL_CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** A path from the config: `~/` is the home directory, relative paths start at the working directory. */
export function resolveUserPath(path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(process.env.HOME || homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(path);
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Checks the model folder before transformers.js sees it, so a missing model fails at start-up with a PluginError
 * (hook `create`) naming the folder and every missing file, instead of deep inside the library with one file name.
 * Never looks anywhere else: this plugin does not download.
 */
export async function checkModelFolder(options: TransformersProviderOptions, pluginId: string): Promise<string> {
  const folder = resolveUserPath(options.modelPath);
  const fail = (message: string) => new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, pluginId, 'create', message);
  const found = await stat(folder).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => 'none',
  );
  if (found === 'none') {
    throw fail(
      `the model folder ${folder} (modelPath) does not exist; put the ONNX export of a chat model there ` +
        '(for example onnx-community/Qwen2.5-0.5B-Instruct from huggingface.co): this plugin never downloads',
    );
  }
  if (found === 'file') throw fail(`modelPath ${folder} is a file; it must be the folder holding the model files`);
  const needed = [...MODEL_CONFIG_FILES, weightsFile(options.dtype)];
  const present = await Promise.all(needed.map((file) => isFile(join(folder, file))));
  const missing = needed.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    throw fail(
      `the model folder ${folder} lacks ${missing.join(', ')} (dtype ${options.dtype} reads ` +
        `${weightsFile(options.dtype)}); this plugin never downloads, so copy the files there`,
    );
  }
  return folder;
}

/** The model's name in answers: the `name` option, else the folder's name. */
export function modelName(options: TransformersProviderOptions, folder: string): string {
  return options.name ?? basename(folder);
}
