// What of a tool (and of a server) is searchable, field by field. Parameters come from inputSchema.properties,
// one level of nesting included (objects' properties and arrays' item properties), because many tools put the
// words that matter in a nested `options` or `items` object.

import type { JsonSchema, ToolDocument } from '@localmcp/plugin-api';
import { analyze } from '../text/analyzer.js';
import { isObject } from '../../util/json.js';
import { isCjkTerm } from '../text/tokenize.js';

/** The fields of a tool document. */
export const TOOL_FIELDS = [
  'name',
  'summary',
  'description',
  'parameters',
  'parameterDescriptions',
  'server',
  'serverDescription',
] as const;
export type ToolField = (typeof TOOL_FIELDS)[number];

/** The fields of a server document: its own name and description, and its tools' names and descriptions. */
export const SERVER_FIELDS = ['name', 'description', 'toolNames', 'toolDescriptions'] as const;
export type ServerField = (typeof SERVER_FIELDS)[number];

interface Parameter {
  name: string;
  description: string;
}

function properties(schema: unknown): Array<[string, Record<string, unknown>]> {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  return Object.entries(schema.properties).filter((entry): entry is [string, Record<string, unknown>] =>
    isObject(entry[1]),
  );
}

/** The parameters of a tool: top-level properties, and the properties of object or array-of-object ones. */
export function parametersOf(schema: JsonSchema | undefined): Parameter[] {
  const out: Parameter[] = [];
  const push = (name: string, property: Record<string, unknown>) =>
    out.push({ name, description: typeof property.description === 'string' ? property.description : '' });
  for (const [name, property] of properties(schema)) {
    push(name, property);
    for (const [nested, child] of [...properties(property), ...properties(property.items)]) push(nested, child);
  }
  return out;
}

const terms = (text: string | undefined): string[] => (text ? analyze(text).map((t) => t.term) : []);

/** The terms of a tool's name without the whole forms of split identifiers: what the name is made of. */
export const nameParts = (name: string): string[] =>
  analyze(name)
    .filter((t) => !t.joined)
    .map((t) => t.term);

/**
 * The first sentence of a description: what the tool does, before details on arguments, formats and examples
 * (which name many things the tool is not about).
 */
export function firstSentence(text: string | undefined): string {
  if (!text) return '';
  const match = /^[\s\S]*?(?:[.!?](?=\s|$)|[。！？]|\n\s*\n|$)/.exec(text.trim());
  return (match?.[0] ?? text).slice(0, 300);
}

/**
 * How much a term adds to the length of its field, for BM25's length normalisation. A word is 1. CJK text is
 * indexed as character unigrams and bigrams, two terms per character, while a Chinese word is one or two
 * characters: counted term by term, a Chinese description looks three to four times longer than an English one
 * saying as much, and every match in it is discounted for that. A CJK term counts a half, so CJK text is measured
 * in characters. (A third, words of about one and a half characters, did worse on the tuning half.)
 */
export const lengthOfTerm = (term: string): number => (isCjkTerm(term) ? 1 / 2 : 1);

/** The terms of each field of a tool. */
export function toolFieldTerms(doc: ToolDocument): Record<ToolField, string[]> {
  const parameters = parametersOf(doc.inputSchema);
  return {
    name: terms(doc.name),
    summary: terms(firstSentence(doc.description)),
    description: terms(doc.description),
    parameters: parameters.flatMap((p) => terms(p.name)),
    parameterDescriptions: parameters.flatMap((p) => terms(p.description)),
    server: terms(doc.server),
    serverDescription: terms(doc.serverDescription),
  };
}

/** The terms of each field of a server, from the analysed fields of its tools. */
export function serverFieldTerms(
  server: string,
  description: string | undefined,
  tools: Iterable<Record<ToolField, readonly string[]>>,
): Record<ServerField, string[]> {
  const toolNames: string[] = [];
  const toolDescriptions: string[] = [];
  for (const tool of tools) {
    toolNames.push(...tool.name);
    toolDescriptions.push(...tool.description);
  }
  return { name: terms(server), description: terms(description), toolNames, toolDescriptions };
}
