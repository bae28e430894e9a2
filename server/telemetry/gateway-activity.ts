import { EventEmitter } from 'node:events';
import type { BreakerTransition } from '@localmcp/plugin-api';
import type { CallDone, GatewayEvents } from '../gateway/events.js';

/** One finished tool call in the request log: the `call:done` event with a sequence number. */
export interface RequestRecord extends CallDone {
  id: number;
}

/** One server's recent calls (the last `perServer` within the window): how many, how many failed, how fast. */
export interface CallStatsView {
  calls: number;
  /** Calls that got no result (`error`); `isError` results are answers and count in `toolErrors`. */
  errors: number;
  toolErrors: number;
  /** `errors / calls`, 0 without calls. */
  errorRate: number;
  /** Median and 95th percentile duration in milliseconds; absent without calls. */
  p50Ms?: number;
  p95Ms?: number;
  lastCallAt?: number;
}

/** Calls per bucket over the window, oldest first; the last bucket is the one under way. */
export interface RateSeries {
  bucketMs: number;
  /** Epoch milliseconds of the end of the last bucket. */
  end: number;
  calls: number[];
  errors: number[];
}

export interface RequestFilter {
  server?: string;
  status?: CallDone['status'];
  /** Case-insensitive substring of the tool's public name. */
  text?: string;
  limit?: number;
}

export interface GatewayActivityOptions {
  /** Requests kept in the log (default 500). */
  maxRequests?: number;
  /** Breaker transitions kept for the timeline (default 200). */
  maxTransitions?: number;
  /** How far back rates and per-server stats look (default 5 minutes). */
  windowMs?: number;
  /** Width of one rate bucket (default 5 s). */
  bucketMs?: number;
  /** Calls kept per server for its latency and error rate (default 200). */
  perServer?: number;
  now?: () => number;
}

interface ActivityEvents {
  request: [RequestRecord];
}

/**
 * What the gateway has been doing lately, from its events: the request log, per-server latency and error rates,
 * the call rate in buckets, and the breaker transitions. Bounded memory; nothing here is on the call path (it only
 * listens). The admin UI reads it over `/api/v1` and Socket.IO.
 */
export class GatewayActivity extends EventEmitter<ActivityEvents> {
  private readonly log: RequestRecord[] = [];
  private readonly transitionLog: BreakerTransition[] = [];
  private readonly perServer = new Map<string, RequestRecord[]>();
  private readonly buckets = new Map<number, { calls: number; errors: number }>();
  private nextId = 1;
  private readonly settings: Required<Omit<GatewayActivityOptions, 'now'>>;
  private readonly now: () => number;
  private readonly detach: () => void;

  constructor(events: GatewayEvents, options: GatewayActivityOptions = {}) {
    super();
    this.settings = {
      maxRequests: options.maxRequests ?? 500,
      maxTransitions: options.maxTransitions ?? 200,
      windowMs: options.windowMs ?? 300_000,
      bucketMs: options.bucketMs ?? 5_000,
      perServer: options.perServer ?? 200,
    };
    this.now = options.now ?? Date.now;
    const onCall = (call: CallDone) => this.record(call);
    const onTransition = (transition: BreakerTransition) =>
      push(this.transitionLog, transition, this.settings.maxTransitions);
    events.on('call:done', onCall);
    events.on('breaker:transition', onTransition);
    this.detach = () => {
      events.off('call:done', onCall);
      events.off('breaker:transition', onTransition);
    };
  }

  /** The newest requests first, filtered. */
  requests(filter: RequestFilter = {}): RequestRecord[] {
    const text = filter.text?.toLowerCase();
    const out: RequestRecord[] = [];
    const limit = filter.limit ?? this.settings.maxRequests;
    for (let i = this.log.length - 1; i >= 0 && out.length < limit; i--) {
      const record = this.log[i]!;
      if (filter.server !== undefined && record.server !== filter.server) continue;
      if (filter.status !== undefined && record.status !== filter.status) continue;
      if (text !== undefined && !record.name.toLowerCase().includes(text)) continue;
      out.push(record);
    }
    return out;
  }

  /** Breaker transitions, oldest first. */
  transitions(): BreakerTransition[] {
    return [...this.transitionLog];
  }

  /** `server`'s calls within the window. */
  serverStats(server: string): CallStatsView {
    const since = this.now() - this.settings.windowMs;
    const recent = (this.perServer.get(server) ?? []).filter((r) => r.at >= since);
    const errors = recent.filter((r) => r.status === 'error').length;
    const toolErrors = recent.filter((r) => r.status === 'tool-error').length;
    const durations = recent.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      calls: recent.length,
      errors,
      toolErrors,
      errorRate: recent.length === 0 ? 0 : errors / recent.length,
      ...(durations.length > 0 ? { p50Ms: quantile(durations, 0.5), p95Ms: quantile(durations, 0.95) } : {}),
      ...(recent.length > 0 ? { lastCallAt: recent[recent.length - 1]!.at } : {}),
    };
  }

  /** Calls and errors per bucket over the window. */
  rate(): RateSeries {
    const { bucketMs, windowMs } = this.settings;
    const current = Math.floor(this.now() / bucketMs);
    const count = Math.max(1, Math.round(windowMs / bucketMs));
    const calls: number[] = [];
    const errors: number[] = [];
    for (let index = current - count + 1; index <= current; index++) {
      const bucket = this.buckets.get(index);
      calls.push(bucket?.calls ?? 0);
      errors.push(bucket?.errors ?? 0);
    }
    return { bucketMs, end: (current + 1) * bucketMs, calls, errors };
  }

  /** Stops listening to the gateway. */
  dispose(): void {
    this.detach();
    this.removeAllListeners();
  }

  private record(call: CallDone): void {
    const record: RequestRecord = { id: this.nextId++, ...call, durationMs: Math.round(call.durationMs * 10) / 10 };
    push(this.log, record, this.settings.maxRequests);
    const server = this.perServer.get(call.server) ?? [];
    push(server, record, this.settings.perServer);
    this.perServer.set(call.server, server);
    const { bucketMs, windowMs } = this.settings;
    const index = Math.floor(call.at / bucketMs);
    const bucket = this.buckets.get(index) ?? { calls: 0, errors: 0 };
    bucket.calls++;
    if (call.status === 'error') bucket.errors++;
    this.buckets.set(index, bucket);
    const oldest = Math.floor((this.now() - windowMs) / bucketMs);
    for (const key of this.buckets.keys()) if (key < oldest) this.buckets.delete(key);
    this.emit('request', record);
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** Nearest-rank quantile of sorted numbers. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const activities = new WeakMap<GatewayEvents, GatewayActivity>();

/**
 * The one activity recorder of a gateway's event bus, created on first use (the admin API and socket share it).
 * It records from then on: the HTTP app asks for it at start-up, before any call.
 */
export function activityOf(events: GatewayEvents): GatewayActivity {
  let activity = activities.get(events);
  if (!activity) {
    activity = new GatewayActivity(events);
    activities.set(events, activity);
  }
  return activity;
}
