import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';

/** The values `{{name}}` placeholders take, in file contents and file names. */
export type TemplateVars = Record<string, string>;

/** One file to write: a path relative to the destination, its text, and optionally its mode. */
export interface RenderedFile {
  path: string;
  content: string;
  mode?: number;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Files npm would drop or rename when localmcp is packed (`.gitignore` becomes `.npmignore`), so templates store
 * them without the dot and the renderer puts it back.
 */
const DOTFILES: Record<string, string> = { gitignore: '.gitignore', npmrc: '.npmrc' };

/**
 * Replaces every `{{name}}` in `text`. A placeholder without a value is an error naming `where`, never an empty
 * string: a typo in a template must fail CI (which renders every template), not ship a broken scaffold.
 */
export function renderText(text: string, vars: TemplateVars, where: string): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${where}: the template uses {{${name}}}, which has no value`);
    return value;
  });
}

/**
 * Renders every file under `dir` (a folder of `templates/`), names included. `exclude` lists paths relative to
 * `dir` that are read by the caller rather than written (a partial such as `USAGE.md`).
 */
export async function renderTree(
  dir: string,
  vars: TemplateVars,
  options: { exclude?: readonly string[] } = {},
): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      const path = relative(dir, full).split(sep).join('/');
      if (options.exclude?.includes(path)) continue;
      const renamed = path
        .split('/')
        .map((part) => DOTFILES[part] ?? part)
        .join('/');
      files.push({
        path: renderText(renamed, vars, `templates path ${path}`),
        content: renderText(await readFile(full, 'utf8'), vars, full),
      });
    }
  };
  await walk(dir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The files of `files` that already exist under `dest`. */
export function existingFiles(dest: string, files: readonly RenderedFile[]): string[] {
  return files.map((file) => resolve(dest, file.path)).filter((path) => existsSync(path));
}

/**
 * Writes `files` under `dest`. Unless `force`, nothing is written when any of them exists: an INIT_FILE_EXISTS
 * error lists them all, so a second run never leaves a half-overwritten project behind.
 */
export async function writeFiles(
  dest: string,
  files: readonly RenderedFile[],
  options: { force?: boolean } = {},
): Promise<string[]> {
  const clash = options.force ? [] : existingFiles(dest, files);
  if (clash.length > 0) {
    throw new LocalmcpError(
      ErrorCodes.INIT_FILE_EXISTS,
      `${clash.join(', ')} already exist${clash.length === 1 ? 's' : ''}`,
      {
        data: { files: clash },
      },
    );
  }
  const written: string[] = [];
  for (const file of files) {
    const target = resolve(dest, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, file.mode === undefined ? undefined : { mode: file.mode });
    // writeFile's mode applies only to a new file; an overwritten one (--force) keeps its old mode otherwise.
    if (file.mode !== undefined) await chmod(target, file.mode);
    written.push(target);
  }
  return written;
}
