import { z } from 'zod';
import { expected } from './format-issues.js';
import {
  booleanField,
  intField,
  NAMESPACE_PATTERN,
  nonEmptyString,
  positiveNumberField,
  stringList,
  stringMap,
} from './schema-fields.js';

/** Every spelling of `type` found in the wild: Claude Code, Cursor, VS Code, Cline and Windsurf disagree. */
export const SERVER_TYPES = ['stdio', 'http', 'streamable-http', 'streamableHttp', 'streamable_http', 'sse'] as const;

/** The transport localmcp uses: 'http' tries Streamable HTTP, then falls back to SSE; 'sse' is SSE only. */
export type Transport = 'stdio' | 'http' | 'sse';

// setTimeout fires at once for delays above 2^31-1 ms, so larger timeouts would silently mean "no wait".
const MAX_MS = 2 ** 31 - 1;

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const ToolFilterSchema = z.object(
  {
    allow: stringList('array of glob patterns').optional(),
    deny: stringList('array of glob patterns').default([]),
  },
  expected('an object with "allow" and/or "deny" glob lists'),
);

const TimeoutsSchema = z.object(
  {
    connectMs: intField(1, MAX_MS, `an integer number of milliseconds (1 to ${MAX_MS})`).default(30_000),
    // No default here: Cline's `timeout` (seconds) fills it when absent, see the transform below.
    requestMs: intField(1, MAX_MS, `an integer number of milliseconds (1 to ${MAX_MS})`).optional(),
  },
  expected('an object with "connectMs" and/or "requestMs"'),
);

const RestartSchema = z
  .object(
    {
      initialDelayMs: intField(0, MAX_MS, 'an integer number of milliseconds').default(500),
      maxDelayMs: intField(0, MAX_MS, 'an integer number of milliseconds').default(30_000),
      // 0 = never restart a crashed server.
      maxAttempts: intField(0, 1_000_000, 'a non-negative integer').default(10),
    },
    expected('an object with "initialDelayMs", "maxDelayMs" and/or "maxAttempts"'),
  )
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, {
    message: 'maxDelayMs must be at least initialDelayMs',
    path: ['maxDelayMs'],
  });

/**
 * One entry of `mcpServers` as users write it, in any client's dialect. The output folds the dialects into
 * one shape (`transport`, `enabled`, `timeouts.requestMs`); what depends on the server's name or the config
 * file's location (namespace default, `envFile`, relative `cwd`) is left to toUpstreams().
 */
export const ServerConfigSchema = z
  .object(
    {
      type: z.enum(SERVER_TYPES, expected(SERVER_TYPES.map((t) => `"${t}"`).join(', '))).optional(),
      command: nonEmptyString('a non-empty command').optional(),
      args: stringList().default([]),
      env: stringMap('a map of environment variable names to values').default({}),
      envFile: nonEmptyString('a path to a .env file').optional(),
      cwd: nonEmptyString('a directory path').optional(),
      url: nonEmptyString('an http:// or https:// URL')
        .refine(isHttpUrl, expected('an http:// or https:// URL'))
        .optional(),
      headers: stringMap('a map of header names to values').default({}),
      enabled: booleanField().optional(),
      disabled: booleanField().optional(), // Cline, Roo
      namespace: z
        .string(expected('a string'))
        .regex(NAMESPACE_PATTERN, expected('letters, digits, "_" or "-"'))
        .optional(),
      description: z.string(expected('a string')).optional(),
      tools: ToolFilterSchema.prefault({}),
      timeout: positiveNumberField('a positive number of seconds').optional(), // Cline: request timeout in seconds
      timeouts: TimeoutsSchema.prefault({}),
      restart: RestartSchema.prefault({}),
    },
    expected('an object with "command" or "url"'),
  )
  .superRefine((server, ctx) => {
    const hasCommand = server.command !== undefined;
    const hasUrl = server.url !== undefined;
    if (hasCommand && hasUrl) {
      ctx.addIssue({ code: 'custom', message: 'has both "command" (stdio) and "url" (http/sse); set exactly one' });
    } else if (!hasCommand && !hasUrl) {
      ctx.addIssue({ code: 'custom', message: 'needs "command" (a stdio server) or "url" (an HTTP/SSE server)' });
    } else if (server.type === 'stdio' && !hasCommand) {
      ctx.addIssue({ code: 'custom', message: 'type "stdio" needs "command", not "url"' });
    } else if (server.type !== undefined && server.type !== 'stdio' && !hasUrl) {
      ctx.addIssue({ code: 'custom', message: `type "${server.type}" needs "url", not "command"` });
    }
  })
  .transform(({ type, enabled, disabled, timeout, timeouts, ...rest }) => ({
    ...rest,
    transport: toTransport(type, rest.command !== undefined),
    enabled: (enabled ?? true) && disabled !== true,
    timeouts: {
      connectMs: timeouts.connectMs,
      requestMs: timeouts.requestMs ?? (timeout === undefined ? 60_000 : Math.min(MAX_MS, Math.round(timeout * 1000))),
    },
  }));

/** One server after validation: the dialects folded, defaults applied. */
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
/** One server as users write it. */
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

function toTransport(type: (typeof SERVER_TYPES)[number] | undefined, hasCommand: boolean): Transport {
  if (type === undefined) return hasCommand ? 'stdio' : 'http';
  if (type === 'stdio' || type === 'sse') return type;
  return 'http';
}
