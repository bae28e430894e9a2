// The repository's eslint and prettier configs, applied to files rendered from templates/ (which the root lint
// skips: templates hold {{placeholders}}), so a scaffold starts in the house style.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { REPO } from './gateway.js';

// One instance per test process: loading the config and typescript-eslint takes a second or two.
let eslint: ESLint | undefined;

/** Problems in the TypeScript and JSON files among `files` (absolute paths under `dir`); empty when clean. */
export async function styleProblems(dir: string, files: readonly string[]): Promise<string[]> {
  eslint ??= new ESLint({ cwd: REPO });
  const problems: string[] = [];
  for (const file of files.filter((f) => /\.(ts|json)$/.test(f))) {
    const text = await readFile(file, 'utf8');
    const shown = relative(dir, file);
    // A path inside the repository, so the root config applies; the file itself stays where it was rendered.
    const virtual = join(REPO, 'rendered-template', shown);
    const options = await prettier.resolveConfig(virtual);
    if (!(await prettier.check(text, { ...options, filepath: virtual })))
      problems.push(`${shown}: not prettier-formatted`);
    if (!file.endsWith('.ts')) continue;
    for (const result of await eslint.lintText(text, { filePath: virtual })) {
      for (const message of result.messages) {
        problems.push(`${shown}:${message.line}:${message.column} ${message.ruleId ?? ''} ${message.message}`);
      }
    }
  }
  return problems;
}
