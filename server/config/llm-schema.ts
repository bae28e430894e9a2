import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField, nonEmptyString, stringList } from './schema-fields.js';

const MAX_MS = 2 ** 31 - 1;
const ms = (min: number) => intField(min, MAX_MS, `an integer number of milliseconds (${min} to ${MAX_MS})`);
const tokens = (min: number) => intField(min, 100_000_000, `an integer number of tokens (at least ${min})`);
const price = () => z.number(expected('a price in US dollars per million tokens')).min(0);

/** One endpoint: which `provider` plugin talks to it, and that plugin's options (an API root, a key's env var). */
const ProviderEntrySchema = z.object(
  {
    /** A provider plugin id (`provider:openai`) or name (`openai`); defaults to `provider:<this entry's name>`. */
    plugin: nonEmptyString('a provider plugin id like "provider:openai"').optional(),
    /** The plugin's options, validated by the plugin (baseURL, apiKeyEnv, apiKeyFile, timeoutMs, ...). */
    options: z.record(z.string(), z.unknown(), expected('an options object')).default({}),
  },
  expected('an object with "plugin" and/or "options"'),
);

/**
 * One model at one provider, as a member of an alias. What the router routes by: whether it calls tools, its
 * context window, its price; `tokenizer` makes the context optimizer count exactly (a folder with tokenizer.json).
 */
// Strict: inside an alias's list the config's unknown-key warnings do not reach, so a typo is an error instead.
const ModelTargetSchema = z.strictObject(
  {
    /** A name in `llm.providers`. */
    provider: nonEmptyString('a provider name from llm.providers'),
    /** The vendor's model name (`gpt-4o-mini`, `claude-sonnet-4-5`, `gemini-2.5-flash`, `llama3.2`). */
    model: nonEmptyString('the model name at that provider'),
    /** Prompt and answer together, in tokens. */
    contextWindow: tokens(256).default(128_000),
    /** The answer's bound when a request sets none. */
    maxOutputTokens: tokens(1).default(4096),
    /** Whether the model can call tools; one that cannot is skipped for requests with tools. */
    tools: booleanField().default(true),
    /** Price per million tokens, for routing by cost and for the spend figures. */
    cost: z
      .object(
        { input: price().default(0), output: price().default(0) },
        expected('an object with "input" and "output"'),
      )
      .prefault({}),
    /** A folder with the model's `tokenizer.json` (transformers.js layout); without one, tokens are estimated. */
    tokenizer: nonEmptyString('a folder holding tokenizer.json').optional(),
    /** Overrides `llm.timeoutMs` for this model. */
    timeoutMs: ms(1).optional(),
  },
  // The shape message only for a value that is no object: an unknown key keeps zod's "Unrecognized key" message.
  { error: (issue) => (issue.code === 'invalid_type' ? 'expected an object with "provider" and "model"' : undefined) },
);

export type ModelTarget = z.infer<typeof ModelTargetSchema>;

/** An alias is one target or a failover chain of them, tried in order (or by `routing`). */
const AliasSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value : [value]),
  z.array(ModelTargetSchema, expected('a model target or a list of them')).min(1, 'an alias needs at least one model'),
);

/** The router's own circuit breaker per provider (the resilience contract); unset, `resilience.policy`'s plugin. */
const LlmBreakerSchema = z.object(
  {
    policy: nonEmptyString('a breaker plugin name ("elastic", "classic", "cockatiel", ...) or "none"').optional(),
    options: z.record(z.string(), z.unknown(), expected('an options object')).default({}),
  },
  expected('an object with "policy" and/or "options"'),
);

const RetrySchema = z.object(
  {
    /** Retries of one provider after a retryable failure (timeout, 429, 5xx) before failing over. */
    maxRetries: intField(0, 10, 'an integer between 0 and 10').default(1),
    /** A `retry-after` longer than this is not waited for: the next provider is tried at once. */
    maxRetryAfterMs: ms(0).default(30_000),
    /** The first backoff when no `retry-after` is given (doubles, with jitter). */
    backoffMs: ms(0).default(500),
  },
  expected('an object'),
);

const AgentSchema = z.object(
  {
    /** The alias the agent uses; unset, `llm.default`. */
    model: nonEmptyString('a model alias from llm.models').optional(),
    /** Model turns before the run stops with what it has. */
    maxSteps: intField(1, 200, 'an integer between 1 and 200').default(12),
    /** The newest turns the context optimizer never drops (a turn: a model answer and its tool results). */
    keepRecentTurns: intField(1, 100, 'an integer between 1 and 100').default(2),
    /** Tool results are cut to this many tokens before they enter the conversation. */
    maxToolResultTokens: tokens(16).default(4000),
    /** Replaces the built-in system prompt. */
    systemPrompt: nonEmptyString('a system prompt').optional(),
    /** Stream the model's answers (text shows as it comes); off, each turn arrives whole. */
    stream: booleanField().default(true),
  },
  expected('an object'),
);

const SamplingSchema = z.object(
  {
    /** Upstream servers (names in mcpServers) allowed to ask for completions; none by default. */
    servers: stringList('array of server names').default([]),
    /** The alias sampling uses when the server's model hints name none; unset, `llm.default`. */
    model: nonEmptyString('a model alias from llm.models').optional(),
    /** A bound on what a server may ask for per request. */
    maxTokens: tokens(1).default(1024),
  },
  expected('an object with "servers", "model" and/or "maxTokens"'),
);

/**
 * The `llm` section: the providers (endpoints, each served by a `provider` plugin), model aliases with failover
 * chains, routing, retries, the per-provider circuit breaker, the agent and MCP sampling.
 */
export const LlmSchema = z
  .object(
    {
      providers: z
        .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-"'), ProviderEntrySchema)
        .default({}),
      models: z
        .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-"'), AliasSchema)
        .default({}),
      /** The alias used when a request names none; unset, the first alias. */
      default: nonEmptyString('a model alias from llm.models').optional(),
      /** Order of an alias's models: as listed (`order`, a failover chain), cheapest first, or fastest observed. */
      routing: z.enum(['order', 'cost', 'latency'], expected('"order", "cost" or "latency"')).default('order'),
      /** One model request's bound, unless the model sets its own. */
      timeoutMs: ms(1).default(120_000),
      retry: RetrySchema.prefault({}),
      breaker: LlmBreakerSchema.prefault({}),
      agent: AgentSchema.prefault({}),
      sampling: SamplingSchema.prefault({}),
    },
    expected('an object with "providers" and "models"'),
  )
  .superRefine((llm, ctx) => {
    for (const [alias, targets] of Object.entries(llm.models)) {
      for (const [i, target] of targets.entries()) {
        if (!Object.hasOwn(llm.providers, target.provider)) {
          const known = Object.keys(llm.providers);
          ctx.addIssue({
            code: 'custom',
            path: ['models', alias, i, 'provider'],
            message: `no provider "${target.provider}" in llm.providers${known.length > 0 ? ` (${known.join(', ')})` : ''}`,
          });
        }
      }
    }
    const aliases = Object.keys(llm.models);
    const checkAlias = (path: string[], alias: string | undefined) => {
      if (alias !== undefined && !aliases.includes(alias)) {
        ctx.addIssue({ code: 'custom', path, message: `no alias "${alias}" in llm.models (${aliases.join(', ')})` });
      }
    };
    checkAlias(['default'], llm.default);
    checkAlias(['agent', 'model'], llm.agent.model);
    checkAlias(['sampling', 'model'], llm.sampling.model);
  });

export type LlmConfig = z.infer<typeof LlmSchema>;
