import type { TokenUsage } from '@localmcp/plugin-api';

/** What the router observed of one model at one provider. */
export interface TargetStats {
  provider: string;
  model: string;
  calls: number;
  failures: number;
  /** Exponentially weighted mean latency of successful calls, in ms (undefined until one succeeded). */
  latencyMs?: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

// A new observation's weight: the mean follows a change within a handful of calls without one outlier ruling it.
const ALPHA = 0.3;

/** Latency, failures, tokens and spend per provider and model, for routing by latency and for the admin view. */
export class RouterStats {
  readonly #targets = new Map<string, TargetStats>();

  #entry(provider: string, model: string): TargetStats {
    const key = `${provider}/${model}`;
    let entry = this.#targets.get(key);
    if (!entry) {
      entry = { provider, model, calls: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      this.#targets.set(key, entry);
    }
    return entry;
  }

  success(provider: string, model: string, ms: number, usage: TokenUsage, costUsd: number): void {
    const entry = this.#entry(provider, model);
    entry.calls++;
    entry.latencyMs = entry.latencyMs === undefined ? ms : entry.latencyMs + ALPHA * (ms - entry.latencyMs);
    entry.inputTokens += usage.inputTokens;
    entry.outputTokens += usage.outputTokens;
    entry.costUsd += costUsd;
  }

  failure(provider: string, model: string): void {
    const entry = this.#entry(provider, model);
    entry.calls++;
    entry.failures++;
  }

  latency(provider: string, model: string): number | undefined {
    return this.#targets.get(`${provider}/${model}`)?.latencyMs;
  }

  all(): TargetStats[] {
    return [...this.#targets.values()].map((s) => ({ ...s }));
  }
}

/** The price of a completion: tokens times the per-million prices. */
export function costOf(usage: TokenUsage, cost: { input: number; output: number }): number {
  return (usage.inputTokens * cost.input + usage.outputTokens * cost.output) / 1_000_000;
}
