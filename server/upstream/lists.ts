import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import picomatch from 'picomatch';
import type { UpstreamConfig } from '../config/schema.js';

/** Everything an upstream offers, as it said in its last list responses. */
export interface UpstreamLists {
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
}

export type ListKind = keyof UpstreamLists;

export const EMPTY_LISTS: UpstreamLists = { tools: [], prompts: [], resources: [], resourceTemplates: [] };

/** Follows `nextCursor` until the list ends; a server may paginate any list. */
async function paginate<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  // A bound on pages guards against a server that returns the same cursor forever.
  for (let page = 0; page < 1000; page++) {
    const { items, nextCursor } = await fetchPage(cursor);
    all.push(...items);
    if (!nextCursor || nextCursor === cursor) break;
    cursor = nextCursor;
  }
  return all;
}

/** Builds the allow/deny filter on original tool names from the server's config. */
export function toolFilter(config: UpstreamConfig): (name: string) => boolean {
  const allow = config.tools.allow?.length ? picomatch(config.tools.allow) : undefined;
  const deny = config.tools.deny.length ? picomatch(config.tools.deny) : undefined;
  return (name) => (!allow || allow(name)) && !(deny && deny(name));
}

/** Fetches the lists the server's capabilities say it has; the others stay empty. */
export async function fetchLists(
  client: Client,
  config: UpstreamConfig,
  kinds: ListKind[],
): Promise<Partial<UpstreamLists>> {
  const caps = client.getServerCapabilities() ?? {};
  const options = { timeout: config.timeouts.requestMs };
  const out: Partial<UpstreamLists> = {};
  const allowed = toolFilter(config);
  await Promise.all(
    kinds.map(async (kind) => {
      switch (kind) {
        case 'tools':
          out.tools = caps.tools
            ? (
                await paginate(async (cursor) => {
                  const r = await client.listTools({ cursor }, options);
                  return { items: r.tools, nextCursor: r.nextCursor };
                })
              ).filter((tool) => allowed(tool.name))
            : [];
          break;
        case 'prompts':
          out.prompts = caps.prompts
            ? await paginate(async (cursor) => {
                const r = await client.listPrompts({ cursor }, options);
                return { items: r.prompts, nextCursor: r.nextCursor };
              })
            : [];
          break;
        case 'resources':
          out.resources = caps.resources
            ? await paginate(async (cursor) => {
                const r = await client.listResources({ cursor }, options);
                return { items: r.resources, nextCursor: r.nextCursor };
              })
            : [];
          break;
        case 'resourceTemplates':
          out.resourceTemplates = caps.resources
            ? await paginate(async (cursor) => {
                const r = await client.listResourceTemplates({ cursor }, options);
                return { items: r.resourceTemplates, nextCursor: r.nextCursor };
              })
            : [];
          break;
      }
    }),
  );
  return out;
}
