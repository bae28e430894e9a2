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

/** Where a guarded call goes: the upstream server (or LLM provider) and, for tool calls, the tool's original name. */
export interface CallTarget {
  server: string;
  tool?: string;
}

/**
 * CLOSED: calls flow. OPEN: calls are refused (or served by fallbacks) until a wait passes. HALF_OPEN: a bounded
 * number of trial calls decide. DECONSTRUCTED: the server is split into per-tool circuits (elastic policy).
 */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'DECONSTRUCTED';

/** One state change of a server's circuit, or (with `tool`) of one tool's circuit. */
export interface BreakerTransition {
  server: string;
  tool?: string;
  from: BreakerState;
  to: BreakerState;
  /** Why, in a word or two: `failure-threshold`, `open-elapsed`, `trial-failed`, `reset`, ... */
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

/** What one call's end means to a circuit. `ignore` neither counts nor (in HALF_OPEN) uses up a trial. */
export type CallOutcome = 'success' | 'failure' | 'ignore';

/**
 * What the host gives a breaker policy. The host decides what a failure is (timeouts, transport errors, HTTP 5xx,
 * a crashed process; not an `isError` tool result or a bad argument, unless configured) and how to check that a
 * server answers at all, so every policy judges calls the same way.
 */
export interface BreakerHost {
  /** Classifies a thrown error. A call the caller aborted is already `ignore` before this is asked. */
  classifyError(error: unknown): 'failure' | 'ignore';
  /** Classifies a value the call resolved with. */
  classifyResult(result: unknown): CallOutcome;
  /** Resolves when the target answers (MCP `ping`, or a configured probe tool); rejects or hangs when not. */
  probe(target: CallTarget, signal: AbortSignal): Promise<void>;
}

/**
 * A resilience policy: runs each call to an upstream, deciding whether it may go and what its end means. It
 * re-throws the call's own errors untouched; a call it refuses rejects with a LocalmcpError of code
 * `CIRCUIT_OPEN` whose `data` holds `{ server, tool?, state, retryAfterMs }`.
 */
export interface BreakerPolicy {
  execute<T>(target: CallTarget, call: (signal: AbortSignal) => Promise<T>, options?: HookOptions): Promise<T>;
  /** The state a call to `target` would meet now (the tool's own circuit when the policy has one). */
  state?(target: CallTarget): BreakerState;
  /** Subscribes to state changes; returns the unsubscribe function. */
  onTransition?(listener: (transition: BreakerTransition) => void): () => void;
  /** A JSON-serialisable snapshot of the state, for sharing between processes and for the admin UI. */
  toJSON(): unknown;
  /** Takes over a snapshot made by toJSON() of the same policy (another worker's state). */
  restore?(snapshot: unknown): void;
  /**
   * The host saw the target recover by other means (a crashed server's new process is ready): an OPEN circuit
   * may stop waiting and let trial calls decide now.
   */
  recovered?(target: CallTarget): void;
  /** Resets a tool's circuit, a server's, or (no target) everything, to CLOSED. */
  reset?(target?: CallTarget): void;
  /** Stops timers and background probes. */
  dispose?(): void;
}

/**
 * What a `breaker` plugin creates: a factory of policies. The gateway makes one policy for its upstreams (and the
 * LLM router one for its providers), each with its own host. Per-server and per-tool settings belong in the
 * plugin's options schema, by convention as `servers: { <server>: {...} }` and `tools: { '<server>/<tool>': {...} }`
 * maps of partial options that override the top-level ones.
 */
export interface BreakerFactory {
  createPolicy(host: BreakerHost): BreakerPolicy;
}

// ---------------------------------------------------------------------------------------------- provider

/**
 * One message of a chat. Tool results reference the call they answer by its id; an assistant message that asked
 * for tools carries the calls, so a provider can rebuild its vendor's pairing of calls and results.
 */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A tool the model may call. `inputSchema` is a JSON Schema object, as MCP tools carry it. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
}

/** A call the model asked for. `id` is the vendor's call id, or one the provider made up when the vendor has none. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /**
   * Vendor data the same provider needs back when the call is replayed in a later request (Gemini's
   * `thoughtSignature`). Opaque to the host, which keeps it with the call; other providers ignore it.
   */
  meta?: Record<string, unknown>;
}

/** Tokens used by one completion, as the vendor counted them (0 when it did not say). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One completion request. `model` is the vendor's model name: aliases are resolved by the host's router. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  maxTokens?: number;
  temperature?: number;
}

/** A whole completion: text, tool calls (possibly several, to run in parallel), usage and why it stopped. */
export interface ChatResponse {
  model: string;
  content: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  stopReason: 'end' | 'tool_calls' | 'max_tokens' | 'other';
}

/**
 * A piece of a streamed completion: text as it comes, each tool call once its arguments are complete, and last
 * `done` with the same {@link ChatResponse} that chat() would have returned.
 */
export type ChatChunk =
  { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'done'; response: ChatResponse };

/**
 * A model provider: chat with tool calls, optionally streamed. One instance talks to one endpoint (an API and its
 * key); the host may create several instances of one plugin with different options (OpenAI and a local Ollama).
 *
 * Errors: a failed request rejects with a LocalmcpError (a PluginError naming the plugin and hook) of code
 * `PROVIDER_REQUEST_FAILED` or `PROVIDER_TIMEOUT` whose `data` is a {@link ProviderErrorData}, so the host's router
 * can tell an outage (fail over, count it against the circuit) from a bad request, and honour `retry-after`.
 * Providers do not retry on their own: the router does. An aborted signal rejects with the signal's reason.
 */
export interface ChatProvider {
  chat(request: ChatRequest, options?: HookOptions): Promise<ChatResponse>;
  /** Streams the completion; ends with one `done` chunk. Errors before the first chunk follow chat()'s rules. */
  stream?(request: ChatRequest, options?: HookOptions): AsyncIterable<ChatChunk>;
  close?(): Promise<void>;
}

/** What a provider's request error carries in `data`. */
export interface ProviderErrorData {
  /** The HTTP status the vendor answered, when it answered. */
  status?: number;
  /** How long the vendor asked to wait (`retry-after-ms`, `retry-after`), in milliseconds. */
  retryAfterMs?: number;
  /**
   * True when the same request may succeed later or elsewhere: timeouts, connection failures, 408, 409, 429 and
   * 5xx: an outage, which the router retries and counts against the provider's circuit. False for answers that
   * the same request would get again (400, 401, 403, 404, 422): not retried, not an outage, though the router may
   * still try another provider.
   */
  retryable: boolean;
}

// ---------------------------------------------------------------------------------------------- the map

/** What each plugin kind's factory returns. A new kind is added here and nowhere else. */
export interface PluginKinds {
  provider: ChatProvider;
  embedder: Embedder;
  search: SearchBackend;
  breaker: BreakerFactory;
}

/** The plugin kinds: `provider`, `embedder`, `search`, `breaker`. */
export type PluginKind = keyof PluginKinds;

/** Every kind, for validation. */
export const PLUGIN_KINDS: readonly PluginKind[] = ['provider', 'embedder', 'search', 'breaker'];
