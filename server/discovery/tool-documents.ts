import type { ToolDocument } from '@localmcp/plugin-api';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CatalogEntry } from '../catalog/catalog.js';
import { contentHash } from './embedding-cache.js';

/** A catalog tool as the search engines see it: `id` is the public name clients call. */
export function toToolDocument(entry: CatalogEntry<Tool>, serverDescription: string | undefined): ToolDocument {
  return {
    id: entry.publicName,
    name: entry.originalName,
    server: entry.server,
    serverDescription,
    description: entry.item.description ?? entry.item.title,
    inputSchema: entry.item.inputSchema as Record<string, unknown>,
  };
}

/** The text an embedder sees for a tool: name, server, description and parameter names with descriptions. */
export function embeddingText(doc: ToolDocument): string {
  const properties = (doc.inputSchema?.properties ?? {}) as Record<string, { description?: string }>;
  const params = Object.entries(properties)
    .map(([name, p]) => (p?.description ? `${name} (${p.description})` : name))
    .join(', ');
  const words = doc.name.replace(/[_\-.]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return [`${words} (${doc.server})`, doc.description ?? '', params ? `Parameters: ${params}` : '']
    .filter(Boolean)
    .join('. ');
}

/** Changes when anything the engines index changes, so unchanged tools are not re-indexed. */
export function documentHash(doc: ToolDocument): string {
  return contentHash(JSON.stringify([doc.name, doc.server, doc.serverDescription, doc.description, doc.inputSchema]));
}
