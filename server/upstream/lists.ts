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

type Page<T> = { items: T[]; nextCursor?: string };
type PageFetcher = (client: Client, cursor: string | undefined, timeout: number) => Promise<Page<unknown>>;

// Tools and prompts need their capability; resources and templates both hang off `resources`.
const FETCHERS: Record<ListKind, { capability: 'tools' | 'prompts' | 'resources'; page: PageFetcher }> = {
  tools: {
    capability: 'tools',
    page: async (client, cursor, timeout) => {
      const r = await client.listTools({ cursor }, { timeout });
      return { items: r.tools, nextCursor: r.nextCursor };
    },
  },
  prompts: {
    capability: 'prompts',
    page: async (client, cursor, timeout) => {
      const r = await client.listPrompts({ cursor }, { timeout });
      return { items: r.prompts, nextCursor: r.nextCursor };
    },
  },
  resources: {
    capability: 'resources',
    page: async (client, cursor, timeout) => {
      const r = await client.listResources({ cursor }, { timeout });
      return { items: r.resources, nextCursor: r.nextCursor };
    },
  },
  resourceTemplates: {
    capability: 'resources',
    page: async (client, cursor, timeout) => {
      const r = await client.listResourceTemplates({ cursor }, { timeout });
      return { items: r.resourceTemplates, nextCursor: r.nextCursor };
    },
  },
};

/** Fetches the lists the server's capabilities say it has; the others stay empty. */
export async function fetchLists(
  client: Client,
  config: UpstreamConfig,
  kinds: ListKind[],
): Promise<Partial<UpstreamLists>> {
  const caps = client.getServerCapabilities() ?? {};
  const allowed = toolFilter(config);
  const entries = await Promise.all(
    kinds.map(async (kind) => {
      const { capability, page } = FETCHERS[kind];
      if (!caps[capability]) return [kind, []] as const;
      const items = await paginate((cursor) => page(client, cursor, config.timeouts.requestMs));
      return [kind, kind === 'tools' ? (items as Tool[]).filter((tool) => allowed(tool.name)) : items] as const;
    }),
  );
  return Object.fromEntries(entries) as Partial<UpstreamLists>;
}
