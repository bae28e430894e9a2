// The tool result cache (issue 5): L1 memory, L2 Redis, L3 similar calls, single-flight, stale-while-revalidate
// and stale-if-error. The gateway uses ToolResultCache; the parts are exported for other cached things (LLM
// completions) and for tests.
export { ToolResultCache, type ToolCallRequest, type ToolResultCacheOptions } from './tool-result-cache.js';
export type { CachedCall, FetchToolResult } from './read-through.js';
export { CachePolicy, type CacheDecision } from './policy.js';
export { CACHE_META_KEY, type CacheLayer } from './entry.js';
export { canonicalJson, toolCallKey, type CacheKey, type ToolCallIdentity } from './keys.js';
export { SemanticIndex, type TextEmbedder } from './semantic-index.js';
export { SingleFlight } from './single-flight.js';
export { l2Enabled } from './layers.js';
export type { CacheStats } from './stats.js';
