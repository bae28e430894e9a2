// Why a tool matched, for people and models: which query words each field matched. Computed for the returned
// hits only, from the terms kept per tool, so it costs nothing during ranking.

import type { QueryConcept } from '../text/query.js';
import type { ToolField } from './documents.js';

const FIELD_LABELS: Record<ToolField, string> = {
  name: 'name',
  summary: 'description',
  description: 'description',
  parameters: 'parameters',
  parameterDescriptions: 'parameter descriptions',
  server: 'server',
  serverDescription: 'server description',
};

// In the order a reader cares about: the name first.
const ORDER: readonly ToolField[] = [
  'name',
  'description',
  'parameters',
  'parameterDescriptions',
  'server',
  'serverDescription',
];

export interface MatchExplanation {
  matched: Partial<Record<ToolField, string[]>>;
  reason: string;
}

// The reason stays one short sentence: at most this many words per field, and the two long secondary fields
// (parameter and server descriptions) only when nothing else matched. `matched` has everything.
const REASON_WORDS = 4;
const SECONDARY: ReadonlySet<ToolField> = new Set(['parameterDescriptions', 'serverDescription']);

/**
 * Per field, the query words it matched (directly or through a related word), and a one-line reason such as
 * `name matches "issue"; description matches "create", "get" (related)`; a corrected typo shows as
 * `"caculate" (spelling)`.
 */
export function explainMatch(
  concepts: readonly QueryConcept[],
  terms: Readonly<Record<ToolField, readonly string[]>>,
): MatchExplanation {
  // Which fields each term is in, as bits in ORDER's order: one pass over the tool's terms.
  const fieldsOf = new Map<string, number>();
  ORDER.forEach((field, f) => {
    for (const term of terms[field]) fieldsOf.set(term, (fieldsOf.get(term) ?? 0) | (1 << f));
  });
  const words = new Map<ToolField, string[]>();
  const shown = new Map<ToolField, string[]>();
  for (const concept of concepts) {
    const direct = fieldsOf.get(concept.term) ?? 0;
    ORDER.forEach((field, f) => {
      const bit = 1 << f;
      const via = direct & bit ? undefined : concept.terms.find((t) => (fieldsOf.get(t.term) ?? 0) & bit);
      if (!(direct & bit) && !via) return;
      if (!words.has(field)) words.set(field, []);
      if (!shown.has(field)) shown.set(field, []);
      words.get(field)!.push(concept.word);
      // A thesaurus word is a related word to the reader.
      const how = via?.via === 'spelling' ? 'spelling' : 'related';
      shown.get(field)!.push(via ? `"${concept.word}" (${how})` : `"${concept.word}"`);
    });
  }
  const matched: Partial<Record<ToolField, string[]>> = {};
  const parts: Array<[ToolField, string]> = [];
  for (const field of ORDER) {
    const list = shown.get(field);
    if (!list) continue;
    matched[field] = words.get(field);
    const more = list.length > REASON_WORDS ? ', …' : '';
    parts.push([field, `${FIELD_LABELS[field]} matches ${list.slice(0, REASON_WORDS).join(', ')}${more}`]);
  }
  const primary = parts.filter(([field]) => !SECONDARY.has(field)).map(([, text]) => text);
  const sentence = primary.length > 0 ? primary : parts.map(([, text]) => text);
  return { matched, reason: sentence.length > 0 ? sentence.join('; ') : 'no field matches' };
}
