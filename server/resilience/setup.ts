import {
  ErrorCodes,
  isLocalmcpError,
  LocalmcpError,
  type BreakerFactory,
  type BreakerHost,
  type BreakerPolicy,
  type PluginDefinition,
} from '@localmcp/plugin-api';
import { ErrorCode as JsonRpcCode } from '@modelcontextprotocol/sdk/types.js';
import { configInvalidError, formatPath } from '../config/format-issues.js';
import type { ResilienceConfig } from '../config/resilience-schema.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { UpstreamSupervisor } from '../upstream/supervisor.js';
import { elasticBreakerPlugin, classicBreakerPlugin } from './builtin-plugins.js';
import { countResultsAsSuccess, countToolErrorsAsFailures, defaultClassify } from './classify.js';

const BUILT_IN: Record<string, PluginDefinition<'breaker', unknown>> = {
  elastic: elasticBreakerPlugin as PluginDefinition<'breaker', unknown>,
  classic: classicBreakerPlugin as PluginDefinition<'breaker', unknown>,
};

/** The plugin name of `resilience.policy` (`elastic`, `breaker:elastic` → `elastic`), or undefined for none. */
export function breakerPluginName(config: ResilienceConfig): string | undefined {
  if (config.policy === 'none') return undefined;
  return config.policy.startsWith('breaker:') ? config.policy.slice('breaker:'.length) : config.policy;
}

/**
 * How the gateway judges upstream calls, for whichever policy is configured. A call to an upstream that is down
 * or restarting never left the gateway (the supervisor fails it fast), so it is not held against the server:
 * counting it would keep the circuit open after the server is back. The probe is MCP `ping`, or the configured
 * probe tool (whose `isError` result fails the probe).
 */
export function createBreakerHost(config: ResilienceConfig, upstreams: UpstreamSupervisor): BreakerHost {
  const classifyResult = config.failures.toolErrors ? countToolErrorsAsFailures : countResultsAsSuccess;
  return {
    classifyError: (error) => {
      if (isLocalmcpError(error) && error.code === ErrorCodes.UPSTREAM_UNAVAILABLE) return 'ignore';
      if (config.failures.invalidArguments && rpcCode(error) === JsonRpcCode.InvalidParams) return 'failure';
      return defaultClassify(error);
    },
    classifyResult,
    probe: async ({ server }, signal) => {
      const upstream = upstreams.get(server);
      if (!upstream) throw new Error(`upstream "${server}" is not configured`);
      const probe = config.probes[server];
      if (!probe) {
        await upstream.client().ping({ signal });
        return;
      }
      const result = await upstream.client().callTool({ name: probe.tool, arguments: probe.arguments }, undefined, {
        signal,
      });
      if (result.isError === true) throw new Error(`probe tool "${probe.tool}" of "${server}" returned an error`);
    },
  };
}

/**
 * The configured breaker policy: from the loaded `breaker` plugin when the CLI loaded plugins, else (embedded
 * use, tests) straight from the built-in definition, with the same option validation. A bad option is a config
 * error naming `resilience.options.<field>`.
 */
export function createBreaker(
  config: ResilienceConfig,
  upstreams: UpstreamSupervisor,
  plugins?: PluginRegistry,
): BreakerPolicy | undefined {
  const name = breakerPluginName(config);
  if (name === undefined) return undefined;
  const host = createBreakerHost(config, upstreams);
  const loaded = plugins?.get('breaker', name);
  if (loaded) return loaded.createPolicy(host);
  const builtIn = BUILT_IN[name];
  if (!builtIn) {
    throw new LocalmcpError(
      ErrorCodes.PLUGIN_REQUIRED_MISSING,
      `resilience.policy "${config.policy}" is not a built-in policy (elastic, classic, none) and no loaded plugin provides breaker:${name}; install it with \`localmcp plugins install\``,
    );
  }
  const parsed = builtIn.options!.safeParse(config.options);
  if (!parsed.success) {
    throw configInvalidError(
      undefined,
      parsed.error.issues.map((issue) => ({
        path: formatPath(['resilience', 'options', ...issue.path]),
        message: issue.message,
      })),
    );
  }
  return (builtIn.create(parsed.data, undefined as never) as BreakerFactory).createPolicy(host);
}

function rpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code < 0 ? code : undefined;
}
