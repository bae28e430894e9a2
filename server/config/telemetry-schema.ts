import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField, nonEmptyString, stringMap } from './schema-fields.js';

const NUMERIC = /^\d+(\.\d+)?$/;

/** A fraction in [0, 1], also written as a numeric string (interpolation yields strings). */
const ratio = () =>
  z.preprocess(
    (value: number | string) => (typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value),
    z.number(expected('a number from 0 to 1')).min(0, expected('a number from 0 to 1')).max(1, expected('a number')),
  );

const TracingSchema = z.object(
  {
    /**
     * The OTLP/HTTP receiver: a base URL (`http://jaeger:4318`, to which `/v1/traces` is added) or the full traces
     * URL. Spans are sent as OTLP JSON.
     */
    endpoint: nonEmptyString('an http(s) URL of an OTLP/HTTP receiver, e.g. "http://127.0.0.1:4318"').refine(
      (value) => /^https?:\/\//.test(value),
      expected('an http:// or https:// URL'),
    ),
    serviceName: nonEmptyString().default('localmcp'),
    /** The share of new traces kept (a request carrying a sampled `traceparent` is kept whatever this says). */
    sampleRatio: ratio().default(1),
    /** Headers sent with each export (a hosted collector's key); values may use `${ENV}` interpolation. */
    headers: stringMap('a map of header names to values').default({}),
  },
  expected('an object with "endpoint"'),
);

const AuditSchema = z.object(
  {
    /** The JSONL file; relative paths are resolved against the working directory. */
    file: nonEmptyString('a file path'),
    /** The file is rotated (`audit.jsonl` → `audit.jsonl.1` → ...) before a line would take it past this. */
    maxBytes: intField(1024, 2 ** 40, 'an integer number of bytes (at least 1024)').default(10 * 1024 * 1024),
    /** Rotated files kept besides the current one. */
    maxFiles: intField(0, 1000, 'an integer from 0 to 1000').default(5),
  },
  expected('an object with "file"'),
);

/**
 * The `telemetry` section: Prometheus metrics (on by default, at `/metrics`), OpenTelemetry tracing (off unless
 * `tracing.endpoint` is set), the tool-call audit log (off unless `audit.file` is set) and the log format.
 */
export const TelemetrySchema = z.object(
  {
    metrics: z
      .object(
        {
          enabled: booleanField().default(true),
          /** Process metrics (CPU, memory, event loop, GC) next to the gateway's own. */
          process: booleanField().default(true),
        },
        expected('an object'),
      )
      .prefault({}),
    tracing: TracingSchema.optional(),
    audit: AuditSchema.optional(),
    /** `auto`: human-readable on a terminal, JSON lines otherwise. `LOCALMCP_LOG_FORMAT` overrides. */
    logFormat: z.enum(['auto', 'json', 'pretty'], expected('"auto", "json" or "pretty"')).default('auto'),
  },
  expected('an object with "metrics", "tracing", "audit" and/or "logFormat"'),
);

export type TelemetryConfig = z.infer<typeof TelemetrySchema>;
export type TracingConfig = z.infer<typeof TracingSchema>;
export type AuditConfig = z.infer<typeof AuditSchema>;
