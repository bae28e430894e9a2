import { EventEmitter } from 'node:events';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { ListKind, UpstreamLists } from '../upstream/lists.js';
import { assignUniqueNames, publicName } from './names.js';

/** A tool or prompt as published: its public name, and where it really lives. */
export interface CatalogEntry<T> {
  publicName: string;
  server: string;
  originalName: string;
  item: T;
}

interface ServerLists {
  namespace: string;
  lists: UpstreamLists;
}

interface CatalogEvents {
  /** Which downstream lists changed: `tools`, `prompts`, `resources` (templates count as resources). */
  changed: [Set<'tools' | 'prompts' | 'resources'>];
}

const byServerThenName = <T extends { server: string; originalName: string }>(a: T, b: T) =>
  a.server === b.server ? a.originalName.localeCompare(b.originalName) : a.server.localeCompare(b.server);

/**
 * The merged view of every upstream's tools, prompts, resources and resource templates. Tools and prompts are
 * namespaced (`<namespace>__<name>`); resources keep their URIs (they are already global identifiers) and are
 * routed by exact URI, then by template.
 */
export class Catalog extends EventEmitter<CatalogEvents> {
  private readonly servers = new Map<string, ServerLists>();
  private tools = new Map<string, CatalogEntry<Tool>>();
  private prompts = new Map<string, CatalogEntry<Prompt>>();
  private resources = new Map<string, { server: string; item: Resource }>();
  private templates: Array<{ server: string; item: ResourceTemplate; matcher: UriTemplate }> = [];

  constructor(private readonly separator = '__') {
    super();
    this.setMaxListeners(0); // one listener per downstream session
  }

  /** Replaces what one server offers (empty lists when it went down) and tells listeners what changed. */
  update(server: string, namespace: string, lists: UpstreamLists, kinds: ListKind[]): void {
    if (lists.tools.length + lists.prompts.length + lists.resources.length + lists.resourceTemplates.length === 0) {
      if (!this.servers.delete(server)) return;
    } else {
      this.servers.set(server, { namespace, lists });
    }
    const changed = new Set<'tools' | 'prompts' | 'resources'>();
    if (kinds.includes('tools')) {
      this.tools = this.rebuild('tools');
      changed.add('tools');
    }
    if (kinds.includes('prompts')) {
      this.prompts = this.rebuild('prompts');
      changed.add('prompts');
    }
    if (kinds.includes('resources') || kinds.includes('resourceTemplates')) {
      this.rebuildResources();
      changed.add('resources');
    }
    if (changed.size > 0) this.emit('changed', changed);
  }

  private rebuild<K extends 'tools' | 'prompts'>(kind: K): Map<string, CatalogEntry<UpstreamLists[K][number]>> {
    type Item = UpstreamLists[K][number];
    const entries: Array<Omit<CatalogEntry<Item>, 'publicName'> & { namespace: string }> = [];
    for (const [server, { namespace, lists }] of this.servers) {
      for (const item of lists[kind] as Item[]) entries.push({ server, namespace, originalName: item.name, item });
    }
    entries.sort(byServerThenName);
    const named = assignUniqueNames(entries, (e) => publicName(e.namespace, e.originalName, this.separator));
    const out = new Map<string, CatalogEntry<Item>>();
    for (const [name, e] of named)
      out.set(name, { publicName: name, server: e.server, originalName: e.originalName, item: e.item });
    return out;
  }

  private rebuildResources(): void {
    this.resources = new Map();
    this.templates = [];
    for (const [server, { lists }] of [...this.servers].sort(([a], [b]) => a.localeCompare(b))) {
      // Two servers listing the same URI: the first (by server name) answers it, deterministically.
      for (const item of lists.resources)
        if (!this.resources.has(item.uri)) this.resources.set(item.uri, { server, item });
      for (const item of lists.resourceTemplates) {
        try {
          this.templates.push({ server, item, matcher: new UriTemplate(item.uriTemplate) });
        } catch {
          // A template the SDK cannot parse cannot be routed; it is still not worth failing the server for.
        }
      }
    }
  }

  listTools(): CatalogEntry<Tool>[] {
    return [...this.tools.values()];
  }

  listPrompts(): CatalogEntry<Prompt>[] {
    return [...this.prompts.values()];
  }

  listResources(): Resource[] {
    return [...this.resources.values()].map((r) => r.item);
  }

  listResourceTemplates(): ResourceTemplate[] {
    return this.templates.map((t) => t.item);
  }

  /** Resources with the server that answers each (for filtering by scope). */
  listResourceEntries(): Array<{ server: string; item: Resource }> {
    return [...this.resources.values()];
  }

  /** Resource templates with the server that owns each. */
  listResourceTemplateEntries(): Array<{ server: string; item: ResourceTemplate }> {
    return this.templates.map(({ server, item }) => ({ server, item }));
  }

  resolveTool(name: string): CatalogEntry<Tool> | undefined {
    return this.tools.get(name);
  }

  resolvePrompt(name: string): CatalogEntry<Prompt> | undefined {
    return this.prompts.get(name);
  }

  /** The server that answers a resource URI: a listed resource first, then the first matching template. */
  resolveResource(uri: string): string | undefined {
    const exact = this.resources.get(uri);
    if (exact) return exact.server;
    return this.templates.find((t) => t.matcher.match(uri) !== null)?.server;
  }

  toolCount(server?: string): number {
    if (!server) return this.tools.size;
    let n = 0;
    for (const entry of this.tools.values()) if (entry.server === server) n++;
    return n;
  }
}
