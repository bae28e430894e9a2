import { z } from 'zod';
import { expected, formatPath } from './format-issues.js';
import { booleanField, defaultNamespace, intField, nonEmptyString, stringList } from './schema-fields.js';
import { DiscoverySchema } from './discovery-schema.js';
import { CacheSchema } from './cache-schema.js';
import { LlmSchema } from './llm-schema.js';
import { RedisSchema } from './redis-schema.js';
import { ResilienceSchema } from './resilience-schema.js';
import { SecuritySchema } from './security-schema.js';
import { TelemetrySchema } from './telemetry-schema.js';
import { ServerConfigSchema } from './server-schema.js';
import type { Transport } from './server-schema.js';

export { ServerConfigSchema, SERVER_TYPES } from './server-schema.js';
export { DiscoverySchema, DISCOVERY_MODES, type DiscoveryConfig, type DiscoveryMode } from './discovery-schema.js';
export type { ServerConfig, ServerConfigInput, Transport } from './server-schema.js';
export type { RedisConfig } from './redis-schema.js';
export type { CacheConfig } from './cache-schema.js';
export type { SecurityConfig } from './security-schema.js';
export type { TelemetryConfig } from './telemetry-schema.js';

const MAX_MS = 2 ** 31 - 1;
const ms = (min: number) => intField(min, MAX_MS, `an integer number of milliseconds (${min} to ${MAX_MS})`);

// Plugin ids are "kind:name" (search:hnsw); a name may be an npm package name, scope included.
const PLUGIN_ID = /^[a-z][a-z0-9-]*:[A-Za-z0-9@/._-]+$/;
const pluginIdMessage = expected('a plugin id "kind:name"');
const pluginId = () => z.string(pluginIdMessage).regex(PLUGIN_ID, pluginIdMessage);
// `required` and `disabled` may also name the npm package, which covers every plugin it exports and is what a
// user has at hand right after `localmcp plugins install <package>`.
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const pluginRefMessage = expected('a plugin id "kind:name" or an npm package name');
const pluginRef = () =>
  z.string(pluginRefMessage).refine((v) => PLUGIN_ID.test(v) || PACKAGE_NAME.test(v), pluginRefMessage);

const GatewaySchema = z.object(
  {
    host: nonEmptyString('a host name or IP address').default('127.0.0.1'),
    port: intField(0, 65535, 'an integer between 0 and 65535').default(7420),
    // `token: ${LOCALMCP_TOKEN:-}` yields "" when unset; that means "no token", not "the empty token".
    token: z.preprocess((v: string) => (v === '' ? undefined : v), nonEmptyString().optional()).optional(),
    // The admin API and panel's token; without one they answer only on loopback connections.
    adminToken: z.preprocess((v: string) => (v === '' ? undefined : v), nonEmptyString().optional()).optional(),
    // Only separators that cannot be part of a namespace's letters and digits keep `ns<sep>tool` splittable,
    // and MCP clients reject tool names with other punctuation.
    separator: z
      .string(expected('a string of "_", "-" or "."'))
      .regex(/^[_.-]+$/, expected('one or more of "_", "-" or "."'))
      .default('__'),
    stateless: booleanField().default(false),
    sessionIdleMs: ms(1).default(1_800_000),
    shutdownGraceMs: ms(0).default(10_000),
    allowedOrigins: stringList('array of origins, e.g. "https://app.example.com"').default([]),
    allowedHosts: stringList('array of host names').default([]),
  },
  expected('an object'),
);

const PluginsSchema = z.object(
  {
    required: z.array(pluginRef(), expected('array of plugin ids or package names')).default([]),
    disabled: z.array(pluginRef(), expected('array of plugin ids or package names')).default([]),
    // Options are checked later, by each plugin's own schema; here only their shape.
    options: z
      .record(pluginId(), z.record(z.string(), z.unknown(), expected('an options object')), expected('an object'))
      .default({}),
  },
  expected('an object with "required", "disabled" and/or "options"'),
);

const ServersSchema = z.record(
  z.string().min(1, 'a server name must not be empty'),
  ServerConfigSchema,
  expected('a map of server names to server configs'),
);

/**
 * The whole config file. `servers` (VS Code's name for `mcpServers`) is accepted and merged into `mcpServers`;
 * a name in both is an error rather than a silent override, since either choice would surprise someone.
 */
export const GatewayConfigSchema = z
  .object(
    {
      gateway: GatewaySchema.prefault({}),
      plugins: PluginsSchema.prefault({}),
      discovery: DiscoverySchema.prefault({}),
      resilience: ResilienceSchema.prefault({}),
      redis: RedisSchema.optional(),
      cache: CacheSchema.prefault({}),
      security: SecuritySchema.prefault({}),
      llm: LlmSchema.prefault({}),
      telemetry: TelemetrySchema.prefault({}),
      mcpServers: ServersSchema.default({}),
      servers: ServersSchema.optional(),
    },
    expected('a mapping with "mcpServers" and optionally "gateway", "plugins" and "discovery"'),
  )
  .superRefine((config, ctx) => {
    if (config.cache.l2.enabled === true && !config.redis) {
      ctx.addIssue({
        code: 'custom',
        path: ['cache', 'l2', 'enabled'],
        message: 'L2 needs a top-level "redis" section',
      });
    }
    const owners = new Map<string, string>();
    const entries = [
      ...Object.entries(config.mcpServers).map(([name, s]) => ['mcpServers', name, s] as const),
      ...Object.entries(config.servers ?? {}).map(([name, s]) => ['servers', name, s] as const),
    ];
    for (const [key, name, server] of entries) {
      if (key === 'servers' && Object.hasOwn(config.mcpServers, name)) {
        ctx.addIssue({ code: 'custom', path: [key, name], message: `server "${name}" is also defined in mcpServers` });
        continue;
      }
      // Two servers in one namespace would make their tool names collide; catch it before anything starts.
      const namespace = server.namespace ?? defaultNamespace(name);
      const owner = owners.get(namespace);
      if (owner !== undefined) {
        const message = `namespace "${namespace}" is also used by ${owner}; set a distinct "namespace"`;
        ctx.addIssue({ code: 'custom', path: [key, name], message });
      } else owners.set(namespace, formatPath([key, name]));
    }
  })
  .transform(({ servers, ...config }) => ({ ...config, mcpServers: { ...config.mcpServers, ...servers } }));

/** The config after validation and defaults, with `servers` merged into `mcpServers`. */
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
/** The config as users write it. */
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

/** One upstream server, normalised: what the rest of the gateway uses. */
export interface UpstreamConfig {
  /** The key in `mcpServers`. */
  name: string;
  transport: Transport;
  command?: string;
  args: string[];
  env: Record<string, string>;
  /** Absolute. */
  cwd?: string;
  url?: string;
  headers: Record<string, string>;
  enabled: boolean;
  /** Prefix of this server's tool names; defaults to the name with characters outside [A-Za-z0-9_-] as `_`. */
  namespace: string;
  description?: string;
  /** Glob patterns on the upstream's original tool names. */
  tools: { allow?: string[]; deny: string[] };
  timeouts: { connectMs: number; requestMs: number };
  restart: { initialDelayMs: number; maxDelayMs: number; maxAttempts: number };
}
