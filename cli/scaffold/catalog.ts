import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ScaffoldInputError } from './names.js';
import { templatesDir } from './package-root.js';

/** One well-known MCP server `localmcp init` offers (an entry of `templates/init/servers.yaml`). */
export const CatalogEntrySchema = z.strictObject({
  description: z.string().min(1),
  default: z.boolean().default(false),
  needs: z.string().optional(),
  /** The entry written under `mcpServers.<id>`, as users write it. */
  config: z.record(z.string(), z.unknown()),
  /** What each `${VAR}` of `config` is: the comment above it in `.env.example`. */
  env: z.record(z.string(), z.string()).default({}),
});

export type CatalogEntry = z.infer<typeof CatalogEntrySchema> & { id: string };

const CatalogSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), CatalogEntrySchema);

/** The servers of `templates/init/servers.yaml`, in file order. */
export async function loadServerCatalog(file = join(templatesDir(), 'init', 'servers.yaml')): Promise<CatalogEntry[]> {
  const parsed = CatalogSchema.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${file} is not a valid server catalog: ${issues}`);
  }
  return Object.entries(parsed.data).map(([id, entry]) => ({ id, ...entry }));
}

/** The entries named by `ids`; an unknown id is an error that lists the known ones. */
export function pickServers(catalog: readonly CatalogEntry[], ids: readonly string[]): CatalogEntry[] {
  const unknown = ids.filter((id) => !catalog.some((entry) => entry.id === id));
  if (unknown.length > 0) {
    throw new ScaffoldInputError(
      `unknown server${unknown.length === 1 ? '' : 's'} ${unknown.map((id) => `"${id}"`).join(', ')}; ` +
        `known: ${catalog.map((entry) => entry.id).join(', ')}`,
    );
  }
  return ids.map((id) => catalog.find((entry) => entry.id === id)!);
}
