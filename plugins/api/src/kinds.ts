import type { HookOptions } from './context.js';

/** A JSON Schema object, as MCP tools carry it in `inputSchema`. */
export type JsonSchema = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------- embedder

/** Turns texts into vectors. Vectors of one embedder share one length. */
export interface Embedder {
  /**
   * Identifies the model and every setting that changes its vectors (e.g. `transformers:Xenova/all-MiniLM-L6-v2`).
   * The gateway keys persisted embeddings by this id and a hash of the text, so a changed id re-embeds.
   */
  readonly id: string;
  /** The vector length. */
  readonly dimensions: number;
  /** One vector per text, in the same order. Vectors should be L2-normalised (cosine = dot product). */
  embed(texts: string[], options?: HookOptions): Promise<Float32Array[]>;
  /** Releases models, threads or connections. */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- search

/** A tool as the gateway indexes it. `id` is the gateway's public (namespaced) tool name. */
export interface ToolDocument {
  id: string;
  name: string;
  server: string;
  serverDescription?: string;
  description?: string;
  inputSchema?: JsonSchema;
}

/** A vector to index under an id (a tool's public name, or a server's name for server-level search). */
export interface VectorRecord {
  id: string;
  vector: Float32Array;
}

/** One search result: the id and its cosine similarity to the query (higher is closer). */
export interface VectorHit {
  id: string;
  score: number;
}

/** Options of a vector search. */
export interface VectorSearchOptions extends HookOptions {
  limit: number;
  /** Only ids for which this returns true (a server filter, scopes). Backends may over-fetch and post-filter. */
  filter?: (id: string) => boolean;
}

/**
 * A vector index. The gateway embeds tools with the configured {@link Embedder} and keeps the backend in step
 * with the catalog through upsert/remove; an empty result is a result, not an error.
 */
export interface SearchBackend {
  /** Adds or replaces vectors by id. All vectors of one backend have the same length. */
  upsert(records: VectorRecord[], options?: HookOptions): Promise<void>;
  /** Removes ids; unknown ids are ignored. */
  remove(ids: string[], options?: HookOptions): Promise<void>;
  /** The `limit` nearest vectors by cosine similarity, best first. */
  search(vector: Float32Array, options: VectorSearchOptions): Promise<VectorHit[]>;
  /** How many vectors are indexed. */
  size(): number;
  /** Writes the index under `dir` (a directory the gateway owns for this backend). */
  persist?(dir: string, options?: HookOptions): Promise<void>;
  /** Reads an index written by persist(); false when `dir` holds none (the gateway then rebuilds). */
  load?(dir: string, options?: HookOptions): Promise<boolean>;
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- breaker

/** Where a guarded call goes: the upstream server and, for tool calls, the tool's original name. */
export interface CallTarget {
  server: string;
  tool?: string;
}

/** A resilience policy: runs a call to an upstream, deciding whether it may go and what a failure means. */
export interface BreakerPolicy {
  execute<T>(target: CallTarget, call: (signal: AbortSignal) => Promise<T>, options?: HookOptions): Promise<T>;
  /** A JSON-serialisable snapshot of the state, for sharing and for the admin UI. */
  toJSON(): unknown;
  /** Resets to normal operation. */
  reset?(target?: CallTarget): void;
}

// ---------------------------------------------------------------------------------------------- provider

/** One message of a chat. Tool results reference the call they answer. */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}

/** A call the model asked for. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** Tokens used by one completion. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  maxTokens?: number;
  temperature?: number;
}

export interface ChatResponse {
  model: string;
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  stopReason: 'end' | 'tool_calls' | 'max_tokens' | 'other';
}

/** A piece of a streamed completion. */
export type ChatChunk =
  { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'done'; response: ChatResponse };

/** A model provider: chat with tool calls, optionally streamed. */
export interface ChatProvider {
  chat(request: ChatRequest, options?: HookOptions): Promise<ChatResponse>;
  stream?(request: ChatRequest, options?: HookOptions): AsyncIterable<ChatChunk>;
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- the map

/** What each plugin kind's factory returns. A new kind is added here and nowhere else. */
export interface PluginKinds {
  provider: ChatProvider;
  embedder: Embedder;
  search: SearchBackend;
  breaker: BreakerPolicy;
}

/** The plugin kinds: `provider`, `embedder`, `search`, `breaker`. */
export type PluginKind = keyof PluginKinds;

/** Every kind, for validation. */
export const PLUGIN_KINDS: readonly PluginKind[] = ['provider', 'embedder', 'search', 'breaker'];
