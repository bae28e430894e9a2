import type { BreakerPolicy, BreakerState } from '@localmcp/plugin-api';
import type { ToolResultCache } from '../cache/tool-result-cache.js';
import type { Catalog } from '../catalog/catalog.js';
import type { GatewayEvents } from '../gateway/events.js';
import type { PluginMetricsStore } from '../plugins/metrics.js';
import { breakerViews } from '../resilience/view.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import type { GatewayMetrics } from './metrics.js';
import { registerPluginMetrics } from './plugin-metrics.js';

/** What the metrics read from a gateway: its parts, not the Gateway class (which creates the telemetry). */
export interface MetricSources {
  events: GatewayEvents;
  upstreams: UpstreamSupervisor;
  catalog: Catalog;
  breaker: BreakerPolicy | undefined;
  cache: ToolResultCache | undefined;
  plugins: PluginMetricsStore | undefined;
}

const BREAKER_STATES: readonly BreakerState[] = ['CLOSED', 'OPEN', 'HALF_OPEN', 'DECONSTRUCTED'];

/**
 * Connects a gateway to its metrics: events (breaker transitions, fallbacks) are counted as they happen; states
 * and counts the gateway keeps anyway (upstreams, circuits, cache layers, plugins' own metrics) are read at
 * scrape time, so the call path does no extra work for them. Returns the function that detaches the listeners.
 */
export function bindGatewayMetrics(metrics: GatewayMetrics, sources: MetricSources): () => void {
  const { events, upstreams, catalog, breaker, cache } = sources;
  const onTransition = (t: { server: string; tool?: string; from: string; to: string }) =>
    metrics.breakerTransitions.inc({ server: t.server, tool: t.tool ?? '', from: t.from, to: t.to });
  const onFallback = (f: { server: string; tool: string; kind: string }) =>
    metrics.fallbacks.inc({ server: f.server, tool: f.tool, kind: f.kind });
  events.on('breaker:transition', onTransition);
  events.on('fallback:served', onFallback);

  // Every worker runs its own upstream processes: "up" across workers means up in all of them (min).
  metrics.gauge(
    'localmcp_upstream_up',
    'Whether the upstream server is connected and ready (1) or not (0).',
    ['server'],
    () => upstreams.statuses().map((s) => [{ server: s.name }, s.state === 'ready' ? 1 : 0]),
    'min',
  );
  metrics.gauge(
    'localmcp_upstream_tools',
    'Tools the upstream server lists (after allow/deny filters).',
    ['server'],
    () => upstreams.statuses().map((s) => [{ server: s.name }, s.toolCount]),
    'max',
  );
  metrics.mirrorCounter(
    'localmcp_upstream_restarts_total',
    'Times the upstream server was restarted after a crash or a lost connection (or by an admin).',
    ['server'],
    () => upstreams.statuses().map((s) => [{ server: s.name }, s.restarts]),
  );
  metrics.gauge('localmcp_catalog_tools', 'Tools in the merged catalog.', [], () => [[{}, catalog.toolCount()]], 'max');
  if (breaker) {
    metrics.gauge(
      'localmcp_breaker_state',
      'Circuit state: 1 for the current state of each server circuit (tool="") and each isolated tool circuit.',
      ['server', 'tool', 'state'],
      () => {
        const views = breakerViews(
          breaker,
          upstreams.statuses().map((s) => s.name),
        );
        const samples: Array<[Record<string, string>, number]> = [];
        for (const view of views) {
          for (const state of BREAKER_STATES)
            samples.push([{ server: view.server, tool: '', state }, +(view.state === state)]);
          for (const tool of view.tools) {
            for (const state of BREAKER_STATES) {
              samples.push([{ server: view.server, tool: tool.tool, state }, +(tool.state === state)]);
            }
          }
        }
        return samples;
      },
      'max',
    );
  }
  if (cache) bindCacheMetrics(metrics, cache);
  if (sources.plugins) registerPluginMetrics(metrics.registry, sources.plugins);
  return () => {
    events.off('breaker:transition', onTransition);
    events.off('fallback:served', onFallback);
  };
}

/** Per-layer hits and misses and the upstream side of the cache, from `cache.stats()` at scrape time. */
function bindCacheMetrics(metrics: GatewayMetrics, cache: ToolResultCache): void {
  // One stats() per scrape would be nicer, but collect callbacks run one by one; stats() is a few field reads.
  const layers = () => {
    const stats = cache.stats();
    const rows: Array<{ layer: string; hits: number; misses: number; staleHits: number; entries?: number }> = [
      { layer: 'l1', ...stats.l1 },
    ];
    if (stats.l2.enabled) rows.push({ layer: 'l2', ...stats.l2 });
    if (stats.l3.enabled) rows.push({ layer: 'l3', ...stats.l3, staleHits: 0 });
    return { rows, stats };
  };
  const perLayer = (pick: (row: ReturnType<typeof layers>['rows'][number]) => number | undefined) => () =>
    layers()
      .rows.filter((row) => pick(row) !== undefined)
      .map((row): [Record<string, string>, number] => [{ layer: row.layer }, pick(row)!]);
  metrics.mirrorCounter(
    'localmcp_cache_hits_total',
    'Tool result cache lookups answered by the layer (stale hits included).',
    ['layer'],
    perLayer((row) => row.hits),
  );
  metrics.mirrorCounter(
    'localmcp_cache_misses_total',
    'Tool result cache lookups the layer could not answer.',
    ['layer'],
    perLayer((row) => row.misses),
  );
  metrics.mirrorCounter(
    'localmcp_cache_stale_hits_total',
    'Lookups answered with a stale entry (stale-while-revalidate).',
    ['layer'],
    perLayer((row) => row.staleHits),
  );
  metrics.gauge(
    'localmcp_cache_entries',
    'Entries held by the layer (L2 entries live in Redis and are not counted here).',
    ['layer'],
    perLayer((row) => (row.layer === 'l2' ? undefined : row.entries)),
  );
  metrics.gauge('localmcp_cache_bytes', 'Bytes held by the L1 memory layer.', [], () => [[{}, cache.stats().l1.bytes]]);
  const upstream = (
    name: string,
    help: string,
    pick: (u: ReturnType<ToolResultCache['stats']>['upstream']) => number,
  ) => metrics.mirrorCounter(name, help, [], () => [[{}, pick(cache.stats().upstream)]]);
  upstream(
    'localmcp_cache_fetches_total',
    'Upstream calls made for cacheable tools (misses and refreshes).',
    (u) => u.fetches,
  );
  upstream(
    'localmcp_cache_bypass_total',
    'Calls of tools the cache does not keep, passed straight through.',
    (u) => u.bypass,
  );
  upstream(
    'localmcp_cache_coalesced_total',
    'Calls that waited for an identical call under way instead of making their own.',
    (u) => u.coalesced,
  );
}
