import type { ResilienceConfig } from '../config/resilience-schema.js';
import { FallbackChain, type FailedToolCall, type SimilarTool } from '../resilience/fallbacks.js';
import type { Gateway } from './gateway.js';

/**
 * The fallback chain wired to the gateway: stale results from the cache (when one is configured), equivalent
 * tools found by discovery among healthy servers, and served fallbacks announced as `fallback:served`.
 */
export function createFallbackChain(gateway: Gateway, config: ResilienceConfig['fallbacks']): FallbackChain {
  const { catalog, discovery, router, upstreams, events } = gateway;
  const healthy = (server: string) =>
    upstreams.get(server)?.state === 'ready' && (gateway.breaker?.state?.({ server }) ?? 'CLOSED') === 'CLOSED';

  const similar = async (call: FailedToolCall, limit: number): Promise<SimilarTool[]> => {
    const description = catalog.resolveTool(call.name)?.item.description ?? '';
    const query = `${call.tool.replace(/[_\-.]+/g, ' ')} ${description}`.slice(0, 500);
    const results = await discovery.search(query, { limit: 20, scope: call.scope });
    // Scores are relative to the failing tool's own score for the same query (or the best one's).
    const self = results.find((r) => r.name === call.name)?.score ?? results[0]?.score ?? 0;
    if (self <= 0) return [];
    return results
      .filter((r) => r.server !== call.server && healthy(r.server))
      .slice(0, limit)
      .map((r) => ({ name: r.name, server: r.server, similarity: Math.min(1, r.score / self) }));
  };

  return new FallbackChain(
    config,
    {
      lastGood: (call) => gateway.lastGood(call),
      similar,
      accepts: (name, args) => {
        const entry = catalog.resolveTool(name);
        return entry !== undefined && discovery.validator.validate(entry.item.inputSchema, args).ok;
      },
      call: (name, args, signal) => router.callTool(name, args, { signal, fallback: false }),
    },
    ({ call, kind }) =>
      events.emit('fallback:served', { server: call.server, tool: call.tool, name: call.name, kind, at: Date.now() }),
  );
}
