// The embedded lexical search engine: the public surface the rest of the gateway uses.
export {
  DEFAULT_SERVER_FIELDS,
  DEFAULT_TOOL_FIELDS,
  LexicalIndex,
  type FieldSpec,
  type LexicalHit,
  type LexicalIndexOptions,
  type LexicalSearchOptions,
  type RankingStrategy,
  type ScoreCombination,
  type ServerField,
  type ToolField,
} from './lexical-index.js';
