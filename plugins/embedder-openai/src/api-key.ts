import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCodes, PluginError, errorMessage } from '@localmcp/plugin-api';
import type { PluginContext } from '@localmcp/plugin-api';
import type { OpenAIEmbedderOptions } from './options.js';

function resolveUserPath(path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(process.env.HOME || homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(path);
}

/**
 * The API key, from `apiKeyFile` when set, else from the environment variable `apiKeyEnv`. Fails with a PluginError
 * (hook `create`) that names the variable or file, never the key. A key file others can read is logged as a warning.
 */
export async function readApiKey(
  options: Pick<OpenAIEmbedderOptions, 'apiKeyEnv' | 'apiKeyFile'>,
  ctx: Pick<PluginContext, 'id' | 'logger'>,
): Promise<string> {
  const fail = (message: string, cause?: unknown) =>
    new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, ctx.id, 'create', message, { cause });
  if (options.apiKeyFile !== undefined) {
    const file = resolveUserPath(options.apiKeyFile);
    let key: string;
    try {
      key = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw fail(`cannot read the API key file ${file} (apiKeyFile): ${code ?? errorMessage(error)}`, error);
    }
    if (key === '') throw fail(`the API key file ${file} (apiKeyFile) is empty`);
    const { mode } = await stat(file);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      ctx.logger.warn({ file, mode: (mode & 0o777).toString(8) }, 'the API key file can be read by other users');
    }
    return key;
  }
  const key = process.env[options.apiKeyEnv]?.trim();
  if (!key) {
    throw fail(
      `no API key: the environment variable ${options.apiKeyEnv} is not set; set it (a local server that needs no ` +
        'key accepts any value), name another variable with apiKeyEnv, or point apiKeyFile at a file holding the key',
    );
  }
  return key;
}
