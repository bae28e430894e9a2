import type { GatewayMetrics } from './metrics.js';
import { SpanKind, type Tracing } from './tracing.js';

/** One finished request to an LLM provider, as the LLM layer knows it. */
export interface LlmUsage {
  /** The provider id (`openai`, `anthropic`, `google`, ...). */
  provider: string;
  model: string;
  /** `ok`, or a short failure class (`error`, `timeout`, `rate_limited`, ...): a metric label, keep it bounded. */
  status: string;
  durationMs: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Estimated cost in US dollars, when the provider's prices are known. */
  costUsd?: number;
}

/**
 * Records one LLM request in the gateway's metrics (`localmcp_llm_requests_total`, `..._request_duration_seconds`,
 * `..._tokens_total{type}`, `..._cost_usd_total`). `metrics` is `gateway.telemetry.metrics`, undefined when
 * metrics are off (then this does nothing).
 */
export function recordLlmUsage(metrics: GatewayMetrics | undefined, usage: LlmUsage): void {
  if (!metrics) return;
  const { provider, model } = usage;
  metrics.llmRequests.inc({ provider, model, status: usage.status });
  metrics.llmDuration.observe({ provider, model }, usage.durationMs / 1000);
  if (usage.inputTokens) metrics.llmTokens.inc({ provider, model, type: 'input' }, usage.inputTokens);
  if (usage.outputTokens) metrics.llmTokens.inc({ provider, model, type: 'output' }, usage.outputTokens);
  if (usage.costUsd) metrics.llmCost.inc({ provider, model }, usage.costUsd);
}

/** What {@link traceLlmCall} lets the wrapped call report about itself, as GenAI semantic-convention attributes. */
export interface LlmSpanReport {
  inputTokens?: number;
  outputTokens?: number;
  /** The model that answered, when it differs from the one asked for (an alias resolved by the provider). */
  responseModel?: string;
  finishReason?: string;
}

/**
 * Runs one LLM request in a CLIENT span named `chat <model>` (OpenTelemetry GenAI conventions: `gen_ai.system`,
 * `gen_ai.request.model`, `gen_ai.usage.*`), a child of whatever is active (a tool call, an agent step). `fn` gets
 * a `report` to add the usage once it is known. With tracing off, `fn` runs as it is.
 */
export function traceLlmCall<T>(
  tracing: Tracing,
  request: { provider: string; model: string; operation?: string },
  fn: (report: (facts: LlmSpanReport) => void) => Promise<T>,
): Promise<T> {
  const operation = request.operation ?? 'chat';
  return tracing.span(
    `${operation} ${request.model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': operation,
        'gen_ai.system': request.provider,
        'gen_ai.request.model': request.model,
      },
    },
    (span) =>
      fn((facts) => {
        if (!span) return;
        if (facts.inputTokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', facts.inputTokens);
        if (facts.outputTokens !== undefined) span.setAttribute('gen_ai.usage.output_tokens', facts.outputTokens);
        if (facts.responseModel) span.setAttribute('gen_ai.response.model', facts.responseModel);
        if (facts.finishReason) span.setAttribute('gen_ai.response.finish_reasons', [facts.finishReason]);
      }),
  );
}
