import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Registry } from 'prom-client';
import type { TelemetryConfig } from '../config/telemetry-schema.js';
import { askPrimaryForMetrics, inClusterWorker, serveMetricsToPrimary, workerSlot } from '../cluster/metrics-ipc.js';
import { AuditLog, auditFileFor } from './audit-log.js';
import { bindGatewayMetrics, type MetricSources } from './gateway-metrics.js';
import type { Logger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { processRegistry } from './process-metrics.js';
import { RouteTelemetry } from './route-telemetry.js';
import { instrumentSession, type SessionIdentity } from './session-telemetry.js';
import { Tracing } from './tracing.js';

export interface GatewayTelemetryOptions {
  config: TelemetryConfig;
  logger: Logger;
  sources: MetricSources;
}

/** Open downstream sessions by transport, read at scrape time from whoever holds them (the HTTP app). */
export type SessionCounts = () => Record<string, number>;

/**
 * A gateway's metrics, tracing and audit log, as configured in `telemetry`. Metrics are on by default and cost the
 * call path a counter increment and a histogram observation per request; tracing and the audit log are off
 * unless configured. Created with the gateway; tracing starts with `start()` (its SDK is loaded then).
 */
export class GatewayTelemetry {
  readonly metrics: GatewayMetrics | undefined;
  readonly audit: AuditLog | undefined;
  readonly route: RouteTelemetry;
  private tracingValue = Tracing.off;
  private readonly sessionSources: SessionCounts[] = [];
  private readonly unbind: () => void;

  constructor(private readonly options: GatewayTelemetryOptions) {
    const { config, logger, sources } = options;
    this.metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
    if (this.metrics) {
      this.unbind = bindGatewayMetrics(this.metrics, sources);
      this.metrics.gauge('localmcp_sessions_active', 'Open downstream MCP sessions, by transport.', ['transport'], () =>
        this.sessionSamples(),
      );
      this.metrics.gauge(
        'localmcp_build_info',
        'Always 1; the version is a label.',
        ['version'],
        () => [[{ version: '0.1.0' }, 1]],
        'max',
      );
      if (inClusterWorker()) {
        serveMetricsToPrimary([this.metrics.registry, ...(config.metrics.process ? [processRegistry()] : [])]);
      }
    } else {
      this.unbind = () => undefined;
    }
    this.audit = config.audit
      ? new AuditLog(
          { ...config.audit, file: auditFileFor(config.audit.file, workerSlot()) },
          logger.child({ component: 'audit' }),
        )
      : undefined;
    this.route = new RouteTelemetry(() => this.tracingValue, this.metrics);
  }

  /** The gateway's tracing: {@link Tracing.off} until `start()`, and for good without `telemetry.tracing`. */
  get tracing(): Tracing {
    return this.tracingValue;
  }

  async start(): Promise<void> {
    const tracing = this.options.config.tracing;
    if (!tracing || this.tracingValue.enabled) return;
    this.tracingValue = await Tracing.start(tracing, this.options.logger.child({ component: 'tracing' }));
  }

  /** Sends buffered spans, writes queued audit records, and stops both. */
  async stop(): Promise<void> {
    this.unbind();
    await Promise.all([this.tracingValue.shutdown().catch(() => undefined), this.audit?.close()]);
  }

  /** Spans, metrics and audit records for a downstream session's requests (see session-telemetry.ts). */
  instrumentSession(server: Server, identity: SessionIdentity, catalog: MetricSources['catalog']): void {
    if (!this.metrics && !this.audit && !this.options.config.tracing) return;
    instrumentSession(
      server,
      { metrics: this.metrics, tracing: () => this.tracingValue, audit: this.audit, catalog },
      identity,
    );
  }

  /** Adds a source of open-session counts (summed per transport). */
  countSessions(source: SessionCounts): void {
    this.sessionSources.push(source);
  }

  /**
   * The Prometheus exposition: this gateway's metrics and the process's. In a `--workers` worker, the primary's
   * aggregate of every worker, whichever worker the scrape reached.
   */
  async exposition(): Promise<{ contentType: string; body: string } | undefined> {
    if (!this.metrics) return undefined;
    const contentType = Registry.PROMETHEUS_CONTENT_TYPE;
    if (inClusterWorker()) return { contentType, body: await askPrimaryForMetrics() };
    const parts = [await this.metrics.registry.metrics()];
    if (this.options.config.metrics.process) parts.push(await processRegistry().metrics());
    return { contentType, body: parts.join('\n') };
  }

  private sessionSamples(): Array<[Record<string, string>, number]> {
    const totals = new Map<string, number>();
    for (const source of this.sessionSources) {
      for (const [transport, count] of Object.entries(source()))
        totals.set(transport, (totals.get(transport) ?? 0) + count);
    }
    return [...totals].map(([transport, count]) => [{ transport }, count]);
  }
}
