// What the admin panel reads, built from the gateway's own state: plain functions, shared by the `/api/v1`
// endpoints and the Socket.IO events, free of Koa and Socket.IO.
import type { GatewayConfig } from '../config/schema.js';
import type { Gateway } from '../gateway/gateway.js';
import { breakerViews } from '../resilience/view.js';
import { REDACTED, redactObject } from '../security/redact.js';
import type { GatewayActivity } from '../telemetry/gateway-activity.js';
import type { Upstream } from '../upstream/upstream.js';
import type {
  BreakerSummary,
  CacheSummary,
  ConfigView,
  Overview,
  PluginsView,
  ServerDetail,
  ToolView,
  UpstreamView,
} from './admin-events.js';

export function upstreamView(upstream: Upstream, activity: GatewayActivity): UpstreamView {
  const { stderrTail: _tail, attempted: _attempted, ...status } = upstream.status();
  return { ...status, enabled: upstream.isEnabled, calls: activity.serverStats(upstream.name) };
}

export function upstreamViews(gateway: Gateway, activity: GatewayActivity): UpstreamView[] {
  return gateway.upstreams.all().map((upstream) => upstreamView(upstream, activity));
}

export function toolViews(gateway: Gateway, server?: string): ToolView[] {
  return gateway.catalog
    .listTools()
    .filter((entry) => server === undefined || entry.server === server)
    .map((entry) => ({
      name: entry.publicName,
      server: entry.server,
      tool: entry.originalName,
      ...(entry.item.description === undefined ? {} : { description: entry.item.description }),
      inputSchema: entry.item.inputSchema as Record<string, unknown>,
      ...(entry.item.annotations ? { annotations: entry.item.annotations as Record<string, unknown> } : {}),
      breaker: gateway.breaker?.state?.({ server: entry.server, tool: entry.originalName }) ?? 'CLOSED',
    }));
}

export function serverDetail(gateway: Gateway, activity: GatewayActivity, name: string): ServerDetail | undefined {
  const upstream = gateway.upstreams.get(name);
  if (!upstream) return undefined;
  return {
    ...upstreamView(upstream, activity),
    stderrTail: upstream.status().stderrTail,
    tools: toolViews(gateway, name),
  };
}

export function breakerSummary(gateway: Gateway): BreakerSummary {
  const servers = gateway.upstreams.statuses().map((s) => s.name);
  return {
    policy: gateway.breaker ? gateway.config.resilience.policy : 'none',
    breakers: breakerViews(gateway.breaker, servers),
  };
}

export function cacheSummary(gateway: Gateway): CacheSummary {
  return gateway.cache ? { enabled: true, stats: gateway.cache.stats() } : { enabled: false };
}

export function overview(gateway: Gateway, activity: GatewayActivity): Overview {
  return {
    at: Date.now(),
    ready: gateway.upstreams.allAttempted(),
    upstreams: upstreamViews(gateway, activity),
    tools: gateway.catalog.listTools().length,
    breakers: breakerSummary(gateway),
    cache: cacheSummary(gateway),
    rate: activity.rate(),
  };
}

export function pluginsView(gateway: Gateway): PluginsView {
  const byKind: PluginsView['byKind'] = {};
  for (const status of gateway.plugins?.statuses() ?? []) (byKind[status.kind ?? 'package'] ??= []).push(status);
  return { byKind };
}

/**
 * The running config for people to read: secret-named fields and secrets inside strings masked (redactObject),
 * and every value of every `env` and `headers` map, whatever its name (an upstream's, a telemetry exporter's):
 * those are where credentials live, and `GITHUB_PERSONAL_ACCESS_TOKEN`-style names are not the only ones.
 */
export function configView(config: GatewayConfig): ConfigView {
  const maskMaps = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(maskMaps);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) =>
        (key === 'env' || key === 'headers') && value && typeof value === 'object' && !Array.isArray(value)
          ? [key, Object.fromEntries(Object.keys(value).map((name) => [name, REDACTED]))]
          : [key, maskMaps(value)],
      ),
    );
  };
  return { config: maskMaps(redactObject(config)), masked: REDACTED };
}
