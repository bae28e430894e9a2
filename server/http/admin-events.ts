// The admin panel's wire types: the Socket.IO event maps and the bodies of the `/api/v1` endpoints it reads.
// Declared once, here; the Svelte app imports them with `import type` only, so no server code reaches the bundle.
import type { BreakerState, BreakerTransition } from '@localmcp/plugin-api';
import type { CacheStats } from '../cache/stats.js';
import type { LlmView } from '../llm/service.js';
import type { AgentEvent, AgentRun } from '../llm/agent/agent.js';
import type { AgentRunFailure, AgentRunRequest } from './agent-run.js';
import type { FallbackKind } from '../config/resilience-schema.js';
import type { PluginStatus } from '../plugins/types.js';
import type { BreakerView } from '../resilience/view.js';
import type { CallStatsView, RateSeries, RequestRecord } from '../telemetry/gateway-activity.js';
import type { UpstreamState, UpstreamStatus } from '../upstream/upstream.js';

export type { BreakerState, BreakerTransition, BreakerView, CacheStats, CallStatsView, RateSeries, RequestRecord };
export type { LlmView, PluginStatus, UpstreamState };
export type { AgentEvent, AgentRun, AgentRunFailure, AgentRunRequest };

/**
 * Where the panel's Socket.IO endpoint listens (on the gateway's own HTTP server). A type as well as a value, so
 * the panel (which imports types only) is checked against it.
 */
export type AdminSocketPath = '/admin/socket.io';
export const ADMIN_SOCKET_PATH: AdminSocketPath = '/admin/socket.io';

/** One upstream as the panel shows it: its status (without the stderr tail) and its recent calls. */
export interface UpstreamView {
  name: string;
  namespace: string;
  transport: UpstreamStatus['transport'];
  connectedVia?: UpstreamStatus['connectedVia'];
  state: UpstreamState;
  /** Runs unless the config or the admin turned it off. */
  enabled: boolean;
  pid?: number;
  toolCount: number;
  restarts: number;
  lastError?: string;
  description?: string;
  serverInfo?: { name: string; version: string };
  calls: CallStatsView;
}

/** One tool of the catalog. */
export interface ToolView {
  /** The public (namespaced) name clients call. */
  name: string;
  server: string;
  /** The upstream's own name. */
  tool: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** The circuit a call meets now. */
  breaker: BreakerState;
}

/** `GET /api/v1/servers/:name`: an upstream with its stderr tail and tools. */
export interface ServerDetail extends UpstreamView {
  stderrTail: string[];
  tools: ToolView[];
}

export interface BreakerSummary {
  /** The breaker plugin in use, or `none`. */
  policy: string;
  breakers: BreakerView[];
}

export interface CacheSummary {
  enabled: boolean;
  stats?: CacheStats;
}

/** The panel's front page, sent on connect, every couple of seconds while anyone watches, and by `GET overview`. */
export interface Overview {
  at: number;
  ready: boolean;
  upstreams: UpstreamView[];
  tools: number;
  breakers: BreakerSummary;
  cache: CacheSummary;
  rate: RateSeries;
}

/** One ranked tool of `GET /api/v1/tools/search`. */
export interface SearchHit {
  name: string;
  server: string;
  description?: string;
  score: number;
  reason: string;
  state?: string;
  /** Which fields matched which query words. */
  matched?: Record<string, string[]>;
}

/** `POST /api/v1/tools/call`: the tool's result, or why there is none. */
export interface ToolCallOutcome {
  durationMs: number;
  result?: { content?: unknown[]; structuredContent?: unknown; isError?: boolean; _meta?: Record<string, unknown> };
  error?: { code?: string | number; message: string; problems?: unknown };
}

/** `GET /api/v1/plugins`: every plugin found at start-up, grouped by kind (`package` for failed imports). */
export interface PluginsView {
  byKind: Record<string, PluginStatus[]>;
}

/** `GET /api/v1/config`: the running config with secrets masked (tokens, env values, headers). */
export interface ConfigView {
  config: unknown;
  masked: string;
}

export interface UpstreamStateEvent {
  server: string;
  state: UpstreamState;
  at: number;
  upstream?: UpstreamView;
}

export interface FallbackEvent {
  server: string;
  tool: string;
  name: string;
  kind: FallbackKind;
  at: number;
}

/** Server to panel, only to sockets that passed the admin handshake. */
export interface AdminServerToClient {
  'upstream:state': (event: UpstreamStateEvent) => void;
  'breaker:transition': (transition: BreakerTransition) => void;
  'fallback:served': (event: FallbackEvent) => void;
  /** A finished tool call (the `call:done` gateway event, numbered). */
  request: (record: RequestRecord) => void;
  /** The catalog's tools changed (a server came, went or re-listed). */
  'catalog:changed': (event: { tools: number; at: number }) => void;
  overview: (overview: Overview) => void;
  /** A step (or streamed text) of a run this socket started with `agent:run`, as it happens. */
  'agent:event': (event: { runId: string; event: AgentEvent }) => void;
  /** That run finished: the answer, every step, usage and cost (what `POST /api/v1/execute` answers). */
  'agent:done': (event: { runId: string; result: AgentRun }) => void;
  /** That run failed or was cancelled (`code` AGENT_CANCELLED: by `agent:cancel` or the socket's disconnect). */
  'agent:error': (event: { runId: string } & AgentRunFailure) => void;
}

/** The acknowledgement of `agent:run`: the run's id (its events follow), or why it did not start. */
export type AgentRunAck = { runId: string } | AgentRunFailure;

/**
 * Panel to server. Actions go through the HTTP admin API; the socket reads, and runs the agent (a run's events
 * stream only to the socket that started it).
 */
export interface AdminClientToServer {
  /** The current overview, answered through the acknowledgement. */
  overview: (ack: (overview: Overview) => void) => void;
  /** The newest requests (up to `limit`), newest first. */
  requests: (limit: number, ack: (records: RequestRecord[]) => void) => void;
  /** Starts an agent run (validated as `POST /api/v1/execute`'s body, without `stream`); its events follow. */
  'agent:run': (request: AgentRunRequest, ack: (reply: AgentRunAck) => void) => void;
  /** Cancels a run this socket started; the ack says whether one was running. */
  'agent:cancel': (request: { runId: string }, ack?: (reply: { cancelled: boolean }) => void) => void;
}

/** What the handshake proved about a socket. */
export interface AdminSocketData {
  principal: string;
}
