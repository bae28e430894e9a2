import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import type { ResilienceConfig } from '../config/resilience-schema.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { defaultClassify } from './classify.js';
import { ElasticBreaker } from './elastic-breaker.js';

/**
 * The gateway's breaker. A call to an upstream that is down or restarting never left the gateway (the supervisor
 * already fails it fast), so it is not held against the server: counting it would keep the circuit open after
 * the server is back. The background probe is an MCP ping.
 */
export function createBreaker(config: ResilienceConfig, upstreams: UpstreamSupervisor): ElasticBreaker | undefined {
  if (config.policy === 'none') return undefined;
  return new ElasticBreaker(config.elastic, {
    classify: (error) =>
      isLocalmcpError(error) && error.code === ErrorCodes.UPSTREAM_UNAVAILABLE ? 'ignore' : defaultClassify(error),
    probe: async (server, signal) => {
      const upstream = upstreams.get(server);
      if (!upstream) throw new Error(`upstream "${server}" is not configured`);
      await upstream.client().ping({ signal });
    },
  });
}
