// Readers for the tool-retrieval benchmark files (see ../shared/data/toolret/README.md): a JSONL catalog of
// tools with schemas, JSONL queries whose gold ids are either one list of acceptable ids (one needed tool) or a
// list of such lists (several needed tools), and a toolsdk-registry `packages-list.json` used as distractors.

import { readFile } from 'node:fs/promises';
import type { ToolDocument } from '@localmcp/plugin-api';
import { z } from 'zod';

const CatalogLineSchema = z.object({
  id: z.string().min(1),
  server: z.string().min(1),
  server_description: z.string().nullish(),
  name: z.string().min(1),
  description: z.string().nullish(),
  inputSchema: z.record(z.string(), z.unknown()).nullish(),
});

const QueryLineSchema = z.object({
  query: z.string(),
  gold_tool_ids: z.union([z.array(z.string()), z.array(z.array(z.string()))]),
  task_id: z.string().optional(),
});

const PackagesListSchema = z.record(
  z.string(),
  z.object({
    tools: z
      .record(z.string(), z.object({ name: z.string().optional(), description: z.string().nullish() }))
      .optional(),
  }),
);

/** A benchmark query: its text and, per tool it needs, the ids that count as that tool. */
export interface BenchQuery {
  query: string;
  gold: string[][];
  /** The task the query belongs to (`task_id`), which keeps a task's queries in one half of a split. */
  task?: string;
}

function parseJsonLines<T>(text: string, file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1}: not JSON (${(error as Error).message})`, { cause: error });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}:${index + 1}: ${issue?.path.join('.') || 'line'}: ${issue?.message}`);
    }
    out.push(parsed.data);
  });
  return out;
}

/** Catalog lines as tool documents; the catalog's `id` (`<server>::<tool>`) is the document id. */
export function parseCatalog(text: string, file = 'catalog'): ToolDocument[] {
  return parseJsonLines(text, file, CatalogLineSchema).map((line) => ({
    id: line.id,
    name: line.name,
    server: line.server,
    serverDescription: line.server_description ?? undefined,
    description: line.description ?? undefined,
    inputSchema: line.inputSchema ?? undefined,
  }));
}

/**
 * Query lines. A flat `gold_tool_ids` is one needed tool with several acceptable ids; a nested one is one list
 * per needed tool. Needed tools with no acceptable id (gold names that resolve to no catalog tool) are dropped,
 * and so are queries left with none: no search could find them, and they would only lower every figure alike.
 */
export function parseQueries(text: string, file = 'queries'): BenchQuery[] {
  return parseJsonLines(text, file, QueryLineSchema)
    .map((line) => {
      const ids = line.gold_tool_ids;
      const gold = ids.length > 0 && typeof ids[0] === 'string' ? [ids as string[]] : (ids as string[][]);
      const query: BenchQuery = { query: line.query, gold: gold.filter((acceptable) => acceptable.length > 0) };
      if (line.task_id !== undefined) query.task = line.task_id;
      return query;
    })
    .filter((q) => q.gold.length > 0);
}

/**
 * A toolsdk-registry packages list as tool documents: each package is a server named after the package, with
 * the tools it lists (name and description; the registry has no schemas). Ids are `<package>::<tool>`.
 */
export function parseDistractors(text: string, file = 'distractors'): ToolDocument[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = PackagesListSchema.safeParse(value);
  if (!parsed.success) throw new Error(`${file}: not a packages list (${parsed.error.issues[0]?.message})`);
  const out: ToolDocument[] = [];
  for (const [pkg, entry] of Object.entries(parsed.data)) {
    for (const [key, tool] of Object.entries(entry.tools ?? {})) {
      const name = tool.name ?? key;
      out.push({ id: `${pkg}::${name}`, name, server: pkg, description: tool.description ?? undefined });
    }
  }
  return out;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      cause: error,
    });
  }
}

export const readCatalog = async (path: string) => parseCatalog(await readText(path, 'catalog'), path);
export const readQueries = async (path: string) => parseQueries(await readText(path, 'queries file'), path);
export const readDistractors = async (path: string) => parseDistractors(await readText(path, 'distractors file'), path);

/** FNV-1a, 32 bits: a stable hash, so a split does not change between runs or machines. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * One half of the queries, split by task: half 1 holds the tasks whose id hashes even, half 2 the others. For
 * choosing parameters on one half and checking them on the other; all the queries of a task fall in one half,
 * so the step queries of a task never help tune for its task query. Queries without a task id are an error.
 */
export function halfOf(queries: readonly BenchQuery[], half: 1 | 2): BenchQuery[] {
  return queries.filter((q) => {
    if (q.task === undefined) throw new Error(`Splitting in halves needs a task_id on every query line: "${q.query}"`);
    return fnv1a(q.task) % 2 === half - 1;
  });
}
