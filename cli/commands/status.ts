import { AdminClient, AdminRequestError, adminFlags } from '../admin-client.js';
import { BaseCommand, ExitCodes } from '../base-command.js';
import { renderTable } from '../table.js';
import type { BreakerView, PluginStatus, UpstreamStatus } from '../../server/index.js';

/** Downstream sessions open now, by transport. */
export interface SessionCounts {
  streamableHttp: number;
  sse: number;
}

/** What `GET /api/v1/status` answers (the parts this command reads), and the URL asked. */
export interface GatewayStatus {
  url: string;
  ready: boolean;
  upstreams: UpstreamStatus[];
  plugins: PluginStatus[];
  policy: string;
  breakers: BreakerView[];
  cache?: { enabled: boolean; stats?: { l1: { hits: number; misses: number; staleHits: number; entries: number } } };
  /** Open downstream sessions (Streamable HTTP and SSE). */
  sessions?: SessionCounts;
}

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show a running gateway: its upstreams, circuit breakers, cache and sessions.';
  static override description =
    "Asks the running gateway's admin API (/api/v1/status) for every upstream's state, tool count, restarts and last error, the circuit of each, the loaded plugins, the cache's counters and the open sessions. Exit code 0 when every enabled upstream is ready, 3 when one is not or no gateway answers, 1 when the gateway refuses (a wrong admin token).";
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --url http://127.0.0.1:7420 --admin-token $TOKEN --json',
  ];
  static override enableJsonFlag = true;
  static override flags = adminFlags;

  async run(): Promise<GatewayStatus> {
    const client = new AdminClient(await this.setup(), this.flags);
    let status: Omit<GatewayStatus, 'url'>;
    try {
      status = await client.request<Omit<GatewayStatus, 'url'>>('/status');
    } catch (error) {
      this.fail(error, error instanceof AdminRequestError && error.kind === 'unreachable' ? ExitCodes.UNAVAILABLE : 1);
    }
    const result: GatewayStatus = { url: client.base, ...status };
    if (!this.jsonEnabled()) this.log(renderStatus(result));
    const down = result.upstreams.filter((u) => u.state !== 'ready' && u.state !== 'disabled');
    if (down.length > 0) {
      if (!this.jsonEnabled()) this.warn(`not ready: ${down.map((u) => `${u.name} (${u.state})`).join(', ')}`);
      process.exitCode = ExitCodes.UNAVAILABLE;
    }
    return result;
  }
}

/** The status as people read it: one summary line, a table of upstreams with their circuits, then plugins. */
export function renderStatus(status: GatewayStatus): string {
  const ready = status.upstreams.filter((u) => u.state === 'ready').length;
  const enabled = status.upstreams.filter((u) => u.state !== 'disabled').length;
  const parts = [`${status.ready ? 'ready' : 'starting'}`, `${ready}/${enabled} upstreams ready`];
  if (status.sessions) {
    const { streamableHttp, sse } = status.sessions;
    parts.push(`${streamableHttp + sse} sessions (${streamableHttp} Streamable HTTP, ${sse} SSE)`);
  }
  parts.push(`breakers: ${status.policy}`);
  if (status.cache) parts.push(`cache: ${cacheSummary(status.cache)}`);
  const circuits = new Map(status.breakers.map((b) => [b.server, b]));
  const rows = status.upstreams.map((u) => {
    const circuit = circuits.get(u.name);
    const isolated = circuit?.tools.length ? ` (${circuit.tools.length} tools isolated)` : '';
    return [
      u.name,
      u.state,
      u.connectedVia ?? u.transport,
      String(u.toolCount),
      String(u.restarts),
      circuit ? `${circuit.state}${isolated}` : '',
      u.lastError ?? '',
    ];
  });
  const lines = [
    `gateway ${status.url}: ${parts.join(' · ')}`,
    renderTable(['SERVER', 'STATE', 'TRANSPORT', 'TOOLS', 'RESTARTS', 'CIRCUIT', 'LAST ERROR'], rows),
  ];
  const plugins = status.plugins.filter((p) => p.status === 'loaded' || p.status === 'failed');
  if (plugins.length > 0) {
    lines.push(
      `plugins: ${plugins.map((p) => `${p.id ?? p.package} ${p.status}${p.error ? ` (${p.error})` : ''}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}

function cacheSummary(cache: NonNullable<GatewayStatus['cache']>): string {
  if (!cache.enabled || !cache.stats) return 'off';
  const { hits, misses, staleHits, entries } = cache.stats.l1;
  const lookups = hits + staleHits + misses;
  const rate = lookups === 0 ? 'no lookups yet' : `${(((hits + staleHits) / lookups) * 100).toFixed(0)}% L1 hits`;
  return `${entries} entries, ${rate}`;
}
