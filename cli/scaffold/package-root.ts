import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of localmcp's own package.json the scaffolders read. */
interface OwnManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

let cached: { root: string; manifest: OwnManifest } | undefined;

/**
 * localmcp's package root: the nearest folder above this module whose package.json is named `localmcp`. Found by
 * walking up rather than by a fixed `../..`, because this module runs from `dist/cli/scaffold` when built and from
 * `cli/scaffold` under tsx (the tests).
 */
export function ownPackage(): { root: string; manifest: OwnManifest } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as OwnManifest;
      if (manifest.name === 'localmcp') return (cached = { root: dir, manifest });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find localmcp's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** `templates/` of this localmcp, the data `localmcp init` renders. */
export function templatesDir(): string {
  return join(ownPackage().root, 'templates');
}

/**
 * The exact version localmcp itself depends on, so a scaffold is built and tested against what this localmcp was
 * (and what its npm cache holds, which is what lets CI install a scaffold offline).
 */
export function ownDependencyVersion(name: string): string {
  const { dependencies = {}, devDependencies = {} } = ownPackage().manifest;
  const version = dependencies[name] ?? devDependencies[name];
  if (version === undefined) throw new Error(`localmcp's package.json does not name ${name}`);
  return version;
}
