import { existsSync, readdirSync } from 'node:fs';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';

/** Input the user gave that cannot work (a bad name): the command exits 2, as for any usage error. */
export class ScaffoldInputError extends Error {
  override readonly name = 'ScaffoldInputError';
}

/** Plugin and server names: what definePlugin() accepts, and a valid tool namespace. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** Throws a {@link ScaffoldInputError} unless `name` matches {@link NAME_PATTERN}. */
export function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new ScaffoldInputError(
      `${what} "${name}" must be lower-case letters, digits and dashes, starting with a letter or digit`,
    );
  }
}

/** `my-plugin` → `MyPlugin` (a leading digit gets an underscore, so it stays an identifier). */
export function pascalCase(name: string): string {
  const pascal = name
    .split('-')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[0-9]/.test(pascal) ? `_${pascal}` : pascal;
}

/** `my-plugin` → `MY_PLUGIN`, for environment variable names. */
export function upperSnake(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** Refuses a destination folder that exists and holds anything, unless `force`. */
export function checkEmptyDir(dir: string, force: boolean | undefined): void {
  if (!force && existsSync(dir) && readdirSync(dir).length > 0) {
    throw new LocalmcpError(ErrorCodes.INIT_FILE_EXISTS, `${dir} exists and is not empty`, { data: { files: [dir] } });
  }
}
