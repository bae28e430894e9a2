import { Counter, Gauge, Histogram, Registry, type Aggregator } from 'prom-client';

/** Latency buckets in seconds: a cached answer takes well under a millisecond, an upstream call up to minutes. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/** How one downstream request ended: answered, answered with a tool error (`isError`), a JSON-RPC error, ... */
export type RequestStatus = 'ok' | 'tool_error' | 'error' | 'cancelled' | 'closed';

/** One downstream request as counted: labels are bounded (unknown tool names are not label values). */
export interface RequestSample {
  method: string;
  server: string;
  tool: string;
  status: RequestStatus;
  seconds: number;
}

/** How one call to an upstream ended; `error` is the upstream's own JSON-RPC error (it answered). */
export type UpstreamCallStatus = 'ok' | 'error' | 'timeout' | 'unavailable' | 'failed' | 'cancelled';

type Sample = [labels: Record<string, string>, value: number];

/**
 * A registry that runs hooks before each export (text or the JSON that `--workers` aggregation reads): metrics
 * whose names appear at run time (plugins') are registered there. Both exports start with getMetricsAsArray().
 */
export class CollectingRegistry extends Registry {
  readonly beforeCollect: Array<() => void> = [];

  override getMetricsAsArray() {
    for (const hook of this.beforeCollect) hook();
    return super.getMetricsAsArray();
  }
}

/**
 * The gateway's Prometheus metrics, in a registry of their own (never prom-client's global one): several gateways
 * in one process (tests, embedding) each export only their own. Values that other parts of the gateway already
 * count (upstream restarts, cache hits) are read at scrape time through {@link GatewayMetrics.mirrorCounter} and
 * {@link GatewayMetrics.gauge} instead of being counted twice. `aggregator` says how `--workers` processes combine
 * (prom-client's cluster aggregation; the default is a sum).
 */
export class GatewayMetrics {
  readonly registry = new CollectingRegistry();
  readonly requests = new Counter({
    name: 'localmcp_requests_total',
    help: 'Downstream MCP requests answered, by JSON-RPC method, upstream server, tool and status.',
    labelNames: ['method', 'server', 'tool', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'localmcp_request_duration_seconds',
    help: 'Time from a downstream request arriving to its response being sent, by method, server and tool.',
    labelNames: ['method', 'server', 'tool'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamCalls = new Counter({
    name: 'localmcp_upstream_requests_total',
    help: 'Calls sent to upstream servers (cache hits and calls refused by an open circuit are not), by status.',
    labelNames: ['server', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'localmcp_upstream_request_duration_seconds',
    help: 'Duration of calls sent to upstream servers.',
    labelNames: ['server', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly breakerTransitions = new Counter({
    name: 'localmcp_breaker_transitions_total',
    help: 'Circuit breaker state changes (tool is empty for a server circuit).',
    labelNames: ['server', 'tool', 'from', 'to'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'localmcp_fallbacks_served_total',
    help: 'Failed tool calls answered by a fallback (stale result, equivalent tool, degraded answer).',
    labelNames: ['server', 'tool', 'kind'] as const,
    registers: [this.registry],
  });
  readonly searchDuration = new Histogram({
    name: 'localmcp_search_duration_seconds',
    help: 'Time to answer search_tools (ranking, and embedding the query when an embedder is configured).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly llmRequests = new Counter({
    name: 'localmcp_llm_requests_total',
    help: 'Requests to LLM providers, by provider, model and status.',
    labelNames: ['provider', 'model', 'status'] as const,
    registers: [this.registry],
  });
  readonly llmDuration = new Histogram({
    name: 'localmcp_llm_request_duration_seconds',
    help: 'Duration of requests to LLM providers.',
    labelNames: ['provider', 'model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly llmTokens = new Counter({
    name: 'localmcp_llm_tokens_total',
    help: 'Tokens used with LLM providers, by provider, model and type (input, output).',
    labelNames: ['provider', 'model', 'type'] as const,
    registers: [this.registry],
  });
  readonly llmCost = new Counter({
    name: 'localmcp_llm_cost_usd_total',
    help: 'Estimated cost of LLM requests in US dollars, by provider and model.',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });

  /** Counts one downstream request. */
  request(sample: RequestSample): void {
    const { method, server, tool, status, seconds } = sample;
    this.requests.inc({ method, server, tool, status });
    this.requestDuration.observe({ method, server, tool }, seconds);
    if (method === 'tools/call' && tool === 'search_tools' && server === '') this.searchDuration.observe(seconds);
  }

  /** Counts one call sent to an upstream. */
  upstreamCall(server: string, method: string, status: UpstreamCallStatus, seconds: number): void {
    this.upstreamCalls.inc({ server, method, status });
    this.upstreamDuration.observe({ server, method }, seconds);
  }

  /**
   * A counter whose value someone else keeps (a cumulative count read at scrape time). `read` returns the
   * current totals; a total that went down (its source was re-created) shows as a counter reset.
   */
  mirrorCounter(name: string, help: string, labelNames: readonly string[], read: () => Sample[]): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, Math.max(0, value));
      },
    });
  }

  /** A gauge read at scrape time; `aggregator` combines `--workers` processes (sum by default). */
  gauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => Sample[],
    aggregator: Aggregator = 'sum',
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      aggregator,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.set(labels, value);
      },
    });
  }
}
