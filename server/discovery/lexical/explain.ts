// Why a tool matched, for people and models: which query words each field matched. Computed for the returned
// hits only, from the terms kept per tool, so it costs nothing during ranking.

import type { QueryConcept } from '../text/analyzer.js';
import type { ToolField } from './documents.js';

const FIELD_LABELS: Record<ToolField, string> = {
  name: 'name',
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

/** Per field, the query words it matched (a related word shows as `word (related)`), and a one-line reason. */
export function explainMatch(
  concepts: readonly QueryConcept[],
  terms: Readonly<Record<ToolField, readonly string[]>>,
): MatchExplanation {
  const matched: Partial<Record<ToolField, string[]>> = {};
  const parts: string[] = [];
  for (const field of ORDER) {
    const present = new Set(terms[field]);
    const words: string[] = [];
    for (const concept of concepts) {
      if (present.has(concept.term)) words.push(concept.word);
      else if (concept.terms.some((t) => present.has(t.term))) words.push(`${concept.word} (related)`);
    }
    if (words.length === 0) continue;
    matched[field] = words;
    parts.push(`${FIELD_LABELS[field]} matches ${words.map((w) => `"${w}"`).join(', ')}`);
  }
  return { matched, reason: parts.length > 0 ? parts.join('; ') : 'no field matches' };
}
