import { createTestContext, type MetricRecord, type TestPluginContext } from '@localmcp/plugin-api';

export type { MetricRecord };

/** A PluginContext as the host builds one, recording metrics and log lines; `onMetric` runs on each metric. */
export function testContext(
  options: { signal?: AbortSignal; onMetric?: (record: MetricRecord) => void } = {},
): TestPluginContext {
  return createTestContext('embedder:transformers', options);
}
