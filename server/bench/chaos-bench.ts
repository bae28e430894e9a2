import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '@localmcp/plugin-api';
import { FALLBACK_META } from '../resilience/fallbacks.js';
import { echoServer, startGateway } from './gateway-bench.js';
import { percentile } from './stats.js';

export interface ChaosBenchOptions {
  seconds: number;
  /** Calls started per second, whatever happens to them. */
  rate: number;
  /** The upstream process is killed (SIGKILL) this often. */
  killEveryMs: number;
  /** The upstream's request timeout in the gateway; a call not settled by then + 1 s counts as hung. */
  requestTimeoutMs: number;
  /**
   * Share (0..1) of calls that repeat one of 20 hot arguments (cacheable: the tool is read-only); the rest are
   * unique, so they must reach the upstream. 0 (the default) measures the breaker and fallbacks alone.
   */
  hotShare?: number;
  cliPath: string;
  onProgress?: (elapsedMs: number, totalMs: number, sofar: ChaosBenchResult) => void;
}

export interface ChaosBenchResult {
  calls: number;
  /** Real results from the upstream. */
  answered: number;
  /** Real results served from the cache (`_meta["localmcp/cache"]`), not counted in `answered`. */
  cached: number;
  /** Real or fallback results (`answered + cached + fallbacks`). */
  served: number;
  /** Results served by the fallback chain, by kind in `fallbacksByKind`. */
  fallbacks: number;
  fallbacksByKind: Record<string, number>;
  /** Calls that had not settled within the request timeout plus one second. */
  hung: number;
  /** Calls that ended in an error, by the error's code or class. */
  errorsByClass: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** Times the gateway restarted the killed upstream. */
  restarts: number;
  kills: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Calls a read-only tool at a fixed rate through `localmcp serve` (its own process, Streamable HTTP) while the
 * upstream is killed every few seconds; counts what each call got. The gateway runs with its defaults for
 * resilience (elastic breaker, fallbacks stale then degraded) and a short restart backoff.
 */
export async function benchChaos(options: ChaosBenchOptions): Promise<ChaosBenchResult> {
  const gateway = await startGateway(options.cliPath, ['--log-level', 'fatal'], {
    mcpServers: {
      bench: {
        ...echoServer(),
        timeouts: { requestMs: options.requestTimeoutMs },
        restart: { initialDelayMs: 50, maxDelayMs: 1_000, maxAttempts: 1_000_000 },
      },
    },
  });
  const client = new Client({ name: 'localmcp-bench-chaos', version: '0.1.0' });
  const result: ChaosBenchResult = {
    calls: 0,
    answered: 0,
    cached: 0,
    served: 0,
    fallbacks: 0,
    fallbacksByKind: {},
    hung: 0,
    errorsByClass: {},
    p50Ms: 0,
    p99Ms: 0,
    restarts: 0,
    kills: 0,
  };
  const status = async () =>
    (await (await fetch(`${gateway.url}/api/v1/status`)).json()) as {
      upstreams: Array<{ name: string; pid?: number; restarts: number }>;
    };
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
    const latencies: number[] = [];
    // A fixed pattern (every k-th call is hot), so runs with the same options make the same calls.
    const share = Math.min(1, Math.max(0, options.hotShare ?? 0));
    const hot = (i: number) => share > 0 && Math.floor(i * share) !== Math.floor((i - 1) * share);
    const pending = new Set<Promise<void>>();
    const deadlineMs = options.requestTimeoutMs + 1_000;
    const one = async (i: number) => {
      result.calls++;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), deadlineMs)));
      const call = client
        .callTool({ name: 'bench__echo', arguments: { text: hot(i) ? `hot ${i % 20}` : `call ${i}` } })
        .then((value) => value as CallToolResult)
        .catch((error: unknown) => error as Error);
      const outcome = await Promise.race([call, hung]);
      clearTimeout(timer);
      if (outcome === 'hung') {
        result.hung++;
        return;
      }
      latencies.push(performance.now() - started);
      if (outcome instanceof Error) {
        const key = errorClass(outcome);
        result.errorsByClass[key] = (result.errorsByClass[key] ?? 0) + 1;
        return;
      }
      const fallback = outcome._meta?.[FALLBACK_META] as { kind?: string } | undefined;
      if (fallback?.kind) {
        result.fallbacks++;
        result.fallbacksByKind[fallback.kind] = (result.fallbacksByKind[fallback.kind] ?? 0) + 1;
      } else if (outcome.isError) {
        result.errorsByClass.TOOL_ERROR = (result.errorsByClass.TOOL_ERROR ?? 0) + 1;
        return;
      } else if (outcome._meta?.['localmcp/cache'] !== undefined) result.cached++;
      else result.answered++;
      result.served++;
    };

    const totalMs = options.seconds * 1_000;
    const begin = performance.now();
    let nextKill = options.killEveryMs;
    for (let i = 0; ; i++) {
      // Compare offsets, not `due - begin`: (begin + x) - begin can fall a hair short of x in floating point, which
      // once let one call too many through.
      const offset = (i * 1_000) / options.rate;
      if (offset >= totalMs) break;
      const due = begin + offset;
      const now = performance.now();
      if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
      if (performance.now() - begin >= nextKill) {
        nextKill += options.killEveryMs;
        const pid = (await status()).upstreams.find((u) => u.name === 'bench')?.pid;
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL');
            result.kills++;
          } catch {
            // already gone (still restarting)
          }
        }
      }
      const promise = one(i).finally(() => pending.delete(promise));
      pending.add(promise);
      if (i % options.rate === 0) options.onProgress?.(performance.now() - begin, totalMs, result);
    }
    await Promise.all(pending);
    const sorted = latencies.sort((a, b) => a - b);
    result.p50Ms = round(percentile(sorted, 50));
    result.p99Ms = round(percentile(sorted, 99));
    result.restarts = (await status()).upstreams.find((u) => u.name === 'bench')?.restarts ?? 0;
    return result;
  } finally {
    await client.close().catch(() => undefined);
    await gateway.stop();
  }
}

/** `CIRCUIT_OPEN`, `UPSTREAM_UNAVAILABLE`, ... from the message the gateway sends, else the error's name. */
function errorClass(error: Error): string {
  const message = errorMessage(error);
  if (/circuit (OPEN|HALF_OPEN|DECONSTRUCTED)/.test(message)) return 'CIRCUIT_OPEN';
  if (/did not answer .* within/.test(message)) return 'UPSTREAM_TIMEOUT';
  if (/is being restarted|is (down|restarting|not ready)|unavailable/.test(message)) return 'UPSTREAM_UNAVAILABLE';
  if (/Request timed out/i.test(message)) return 'CLIENT_TIMEOUT';
  return error.name === 'McpError' ? `MCP_${(error as { code?: number }).code ?? 'ERROR'}` : error.name;
}
