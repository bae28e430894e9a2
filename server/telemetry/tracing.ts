import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { TracingConfig } from '../config/telemetry-schema.js';
import type { Logger } from './logger.js';

export { SpanKind };

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent context; by default the active one (the span the caller runs in). */
  parent?: Context;
}

interface Provider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing for one gateway, or nothing: {@link Tracing.off} runs every wrapped function as it is,
 * without creating a span or touching a context, which is the path a gateway without `telemetry.tracing` takes.
 * Each gateway has its own tracer provider (service name, sampler, exporter); what is process-wide is what
 * OpenTelemetry makes so (the context manager and the W3C propagator), set once by the first gateway that traces.
 */
export class Tracing {
  static readonly off = new Tracing(undefined, undefined);

  private constructor(
    private readonly tracer: Tracer | undefined,
    private readonly provider: Provider | undefined,
  ) {}

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * Runs `fn` in a new span, made the active one so that spans started inside are its children. A thrown error
   * marks the span as failed and is rethrown; `fn` may add attributes to the span it gets.
   */
  async span<T>(name: string, options: SpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
    if (!this.tracer) return fn(undefined);
    const parent = options.parent ?? context.active();
    return this.tracer.startActiveSpan(name, { kind: options.kind, attributes: options.attributes }, parent, (span) =>
      fn(span).then(
        (value) => (span.end(), value),
        (error: unknown) => {
          failSpan(span, error);
          span.end();
          throw error;
        },
      ),
    );
  }

  /** A span the caller ends itself (one that starts and ends in different callbacks); undefined when off. */
  startSpan(name: string, options: SpanOptions): Span | undefined {
    return this.tracer?.startSpan(
      name,
      { kind: options.kind, attributes: options.attributes },
      options.parent ?? context.active(),
    );
  }

  /** Sends the spans still buffered. */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  /** Flushes and stops exporting. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }

  /** Tracing with an OTLP/HTTP (JSON) exporter; the SDK is loaded here, so a gateway that does not trace never loads it. */
  static async start(config: TracingConfig, logger: Logger): Promise<Tracing> {
    const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      installProcessWide(),
    ]);
    const exporter = new OTLPTraceExporter({ url: tracesUrl(config.endpoint), headers: { ...config.headers } });
    const provider = new sdk.TracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      // A request that arrives with a sampled traceparent is traced whatever the ratio: its trace is already kept.
      sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(config.sampleRatio) }),
      spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
    });
    logger.info({ endpoint: tracesUrl(config.endpoint), sampleRatio: config.sampleRatio }, 'tracing to OTLP');
    return new Tracing(provider.getTracer('localmcp', '0.1.0'), provider);
  }
}

/** Marks a span as failed with the error's message (never its stack: spans leave the machine). */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (error instanceof Error) span.setAttribute('error.type', error.name);
}

/** `http://host:4318` → `http://host:4318/v1/traces`; a URL already ending in `/v1/traces` is kept. */
export function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

let processWide: Promise<void> | undefined;

/**
 * The async-local-storage context manager (so a span started in a handler is the parent of spans started in what
 * it awaits) and the W3C Trace Context propagator (traceparent/tracestate), registered once per process.
 */
function installProcessWide(): Promise<void> {
  processWide ??= (async () => {
    const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] = await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
    ]);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  })();
  return processWide;
}

/** The active span, if a traced request is under way. */
export function activeSpan(): Span | undefined {
  return trace.getSpan(context.active());
}
