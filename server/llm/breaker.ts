import { ErrorCodes, LocalmcpError, isLocalmcpError, providerErrorData } from '@localmcp/plugin-api';
import type { BreakerFactory, BreakerHost, BreakerPolicy, PluginDefinition } from '@localmcp/plugin-api';
import { configInvalidError, formatPath } from '../config/format-issues.js';
import type { LlmConfig } from '../config/llm-schema.js';
import type { ResilienceConfig } from '../config/resilience-schema.js';
import type { PluginRegistry } from '../plugins/registry.js';
import { classicBreakerPlugin, elasticBreakerPlugin } from '../resilience/builtin-plugins.js';
import { isCircuitOpenError } from '../resilience/errors.js';

const BUILT_IN: Record<string, PluginDefinition<'breaker', unknown>> = {
  elastic: elasticBreakerPlugin as PluginDefinition<'breaker', unknown>,
  classic: classicBreakerPlugin as PluginDefinition<'breaker', unknown>,
};

/**
 * How the router's breaker judges provider calls. Failures: what the provider marks retryable (timeouts,
 * connection failures, 408/409/429/5xx) and errors that are not provider errors at all (a third-party plugin's
 * bare network error). Ignored: a provider's definite answer (400, 401, 404: the endpoint is up), the caller's
 * abort, another circuit's refusal. The probe is a no-op: a provider has no free "ping", and a paid API must not be
 * called for nothing, so the next real call after the open wait is the trial.
 */
export const providerBreakerHost: BreakerHost = {
  classifyError: (error) => {
    if (isCircuitOpenError(error)) return 'ignore';
    if (error instanceof Error && error.name === 'AbortError') return 'ignore';
    const data = providerErrorData(error);
    if (data) return data.retryable ? 'failure' : 'ignore';
    return 'failure';
  },
  classifyResult: () => 'success',
  probe: async () => undefined,
};

/** The breaker plugin name for the router: `llm.breaker.policy`, else `resilience.policy`; undefined for none. */
export function llmBreakerName(llm: LlmConfig, resilience: ResilienceConfig): string | undefined {
  const policy = llm.breaker.policy ?? resilience.policy;
  if (policy === 'none') return undefined;
  return policy.startsWith('breaker:') ? policy.slice('breaker:'.length) : policy;
}

/**
 * The router's breaker policy: one circuit per provider (and, with the elastic policy, per model of a provider
 * that keeps failing), created from the configured breaker plugin with `llm.breaker.options`, separately from the
 * upstreams' policy so the two never share state or settings. Without a plugin registry (embedded use, tests) the
 * built-in elastic and classic definitions are used directly.
 */
export async function createProviderBreaker(
  llm: LlmConfig,
  resilience: ResilienceConfig,
  plugins: PluginRegistry | undefined,
): Promise<BreakerPolicy | undefined> {
  const name = llmBreakerName(llm, resilience);
  if (name === undefined) return undefined;
  if (plugins?.has('breaker', name)) {
    const factory = await plugins.create('breaker', name, llm.breaker.options, 'llm');
    return factory.createPolicy(providerBreakerHost);
  }
  const builtIn = BUILT_IN[name];
  if (!builtIn) {
    throw new LocalmcpError(
      ErrorCodes.PLUGIN_REQUIRED_MISSING,
      `the LLM breaker policy "${name}" is not built in (elastic, classic, none) and no loaded plugin provides breaker:${name}`,
    );
  }
  const parsed = builtIn.options!.safeParse(llm.breaker.options);
  if (!parsed.success) {
    throw configInvalidError(
      undefined,
      parsed.error.issues.map((issue) => ({
        path: formatPath(['llm', 'breaker', 'options', ...issue.path]),
        message: issue.message,
      })),
    );
  }
  return ((await builtIn.create(parsed.data, undefined as never)) as BreakerFactory).createPolicy(providerBreakerHost);
}

/** True for an error that says the provider's circuit refused the call. */
export function isRefusedByCircuit(error: unknown): boolean {
  return isLocalmcpError(error) && error.code === ErrorCodes.CIRCUIT_OPEN;
}
