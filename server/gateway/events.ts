import { EventEmitter } from 'node:events';
import type { BreakerTransition } from '@localmcp/plugin-api';
import type { FallbackKind } from '../config/resilience-schema.js';
import type { AgentEvent } from '../llm/agent/agent.js';
import type { UpstreamState } from '../upstream/upstream.js';

/**
 * Everything the gateway announces, by event name: metrics, the admin UI (over Socket.IO) and downstream sessions
 * listen here. Declared once; the admin UI imports these types only.
 */
export interface GatewayEventMap {
  /** A server's circuit (or, with `tool`, one tool's circuit) changed state. */
  'breaker:transition': [BreakerTransition];
  /** A failed tool call was answered by a fallback instead of an error. */
  'fallback:served': [{ server: string; tool: string; name: string; kind: FallbackKind; at: number }];
  /**
   * A downstream tools/call was answered (`ok`) or failed: who called what, for the audit log. `name` is the name
   * the client used (a meta-tool's target is in `target`).
   */
  'tool:called': [
    { principal: string; name: string; target?: string; ok: boolean; ms: number; at: number; session?: string },
  ];
  /**
   * A routed tool call finished (the router's view, once per call that reached a catalog tool, fallbacks to
   * equivalent tools included): `ok`, `tool-error` (an `isError` result) or `error` (no result), and how long it took.
   * The admin UI's request log and rate chart are built from these.
   */
  'call:done': [CallDone];
  /** An upstream changed state (connecting, ready, restarting, down, ...). */
  'upstream:state': [{ server: string; state: UpstreamState; at: number }];
  /** An agent run (`POST /api/v1/execute`, `localmcp run`) took a step or streamed text; for live views. */
  'agent:step': [{ runId: string; event: AgentEvent; at: number }];
  /**
   * Predictive pre-loading warmed `tool` because it often follows `after` (with `probability`): its argument
   * validator was compiled (`validator`) and/or its answer was fetched into the result cache (`result`).
   */
  'tool:warmed': [
    { tool: string; after: string; probability: number; warmed: Array<'validator' | 'result'>; at: number },
  ];
}

/** One finished tool call, as `call:done` reports it. */
export interface CallDone {
  /** The public (namespaced) tool name the call used. */
  name: string;
  server: string;
  /** The upstream's own name of the tool. */
  tool: string;
  status: 'ok' | 'tool-error' | 'error';
  durationMs: number;
  /** Epoch milliseconds when the call started. */
  at: number;
  /** Who called (`key:<id>`, `jwt:<sub>`, `token`, `anonymous`, `admin-ui`), when known. */
  principal?: string;
  /** The error's message, for `error`. */
  error?: string;
  /** Where the answer came from when not straight from the upstream: a cache layer (`l1`, `l2`, `l3`) or `fallback`. */
  servedBy?: string;
}

/** The gateway's typed event bus. A listener that throws is the listener's problem, never the call path's. */
export class GatewayEvents extends EventEmitter<GatewayEventMap> {
  constructor() {
    super({ captureRejections: false });
    this.setMaxListeners(0); // one listener per downstream session
  }

  override emit<K extends keyof GatewayEventMap>(event: K, ...args: GatewayEventMap[K]): boolean {
    try {
      return super.emit(event, ...(args as never));
    } catch {
      return true;
    }
  }
}
