import type { HookOptions } from './context.js';

/** A JSON Schema object, as MCP tools carry it in `inputSchema`. */
export type JsonSchema = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------- embedder

/** Turns texts into vectors. Vectors of one embedder share one length. */
export interface Embedder {
  /** The vector length, when known before the first call. */
  readonly dimensions?: number;
  /** One vector per text, in the same order. */
  embed(texts: string[], options?: HookOptions): Promise<Float32Array[]>;
  /** Releases models, threads or connections. */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- search

/** A tool as the search backends see it. `id` is the gateway's public (namespaced) tool name. */
export interface ToolDocument {
  id: string;
  name: string;
  server: string;
  serverDescription?: string;
  description?: string;
  inputSchema?: JsonSchema;
}

/** One search result: the tool id, a score (higher is better) and, optionally, why it matched. */
export interface SearchHit {
  id: string;
  score: number;
  reason?: string;
}

/** Options of a search: how many hits, and an optional filter on servers. */
export interface SearchOptions extends HookOptions {
  limit: number;
  servers?: string[];
}

/** Indexes tools and answers queries. An empty result is a result, not an error. */
export interface SearchBackend {
  /** Replaces the indexed set with `tools`. */
  index(tools: ToolDocument[], options?: HookOptions): Promise<void>;
  search(query: string, options: SearchOptions): Promise<SearchHit[]>;
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
