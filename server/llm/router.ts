import { ErrorCodes, LocalmcpError, errorMessage, isLocalmcpError, providerErrorData } from '@localmcp/plugin-api';
import type {
  BreakerPolicy,
  ChatChunk,
  ChatMessage,
  ChatProvider,
  ChatResponse,
  HookOptions,
  ToolDefinition,
} from '@localmcp/plugin-api';
import type { LlmConfig, ModelTarget } from '../config/llm-schema.js';
import type { Logger } from '../telemetry/logger.js';
import { isRefusedByCircuit } from './breaker.js';
import { estimateCounter, loadTokenizerCounter, promptTokens, type TokenCounter } from './context/tokens.js';
import type { ProviderRegistry } from './provider-registry.js';
import { RouterStats, costOf } from './stats.js';
import { backoffMs, sleep } from './wait.js';

/** A chat request to the router: like the provider's, but `model` is an alias or `<provider>/<model>`. */
export interface LlmRequest {
  /** An alias of `llm.models`, or `<provider>/<model>` for one model; unset, `llm.default`. */
  model?: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  maxTokens?: number;
  temperature?: number;
}

/** One model the router tried or passed over, in order. */
export interface RouteAttempt {
  provider: string;
  model: string;
  /** Why it was not tried (`no tool calls`, `context 8192 < 9100 tokens`), when it was not. */
  skipped?: string;
  ok?: boolean;
  ms?: number;
  error?: string;
  code?: string;
}

/** A completion and how it was obtained: which provider answered, after which attempts, at what price. */
export interface RoutedResponse extends ChatResponse {
  provider: string;
  alias?: string;
  attempts: RouteAttempt[];
  costUsd: number;
}

/** A model of an alias, ready to route to. */
export interface RouteTarget extends ModelTarget {
  alias?: string;
}

/** What a request resolved to: the targets in the order they will be tried, and those passed over. */
export interface Route {
  alias?: string;
  targets: RouteTarget[];
  skipped: RouteAttempt[];
}

/** A stream chunk; the `done` one carries the routed response. */
export type RoutedChunk = Exclude<ChatChunk, { type: 'done' }> | { type: 'done'; response: RoutedResponse };

const DEFAULT_TARGET: Omit<ModelTarget, 'provider' | 'model'> = {
  contextWindow: 128_000,
  maxOutputTokens: 4096,
  tools: true,
  cost: { input: 0, output: 0 },
};

/**
 * Routes chat requests to models: resolves an alias to its models, passes over those that cannot take the request
 * (no tool calls, too small a context window), orders the rest (as listed, cheapest or fastest observed; open
 * circuits last), and tries them in turn. Each call passes the provider's circuit breaker and a timeout; a
 * retryable failure is retried on the same provider after its `retry-after` (or a backoff) up to `retry.maxRetries`
 * times, then the next model is tried. The caller's abort ends everything at once.
 */
export class LlmRouter {
  readonly stats = new RouterStats();
  readonly #config: LlmConfig;
  readonly #providers: ProviderRegistry;
  readonly #breaker: () => Promise<BreakerPolicy | undefined>;
  readonly #logger: Logger;
  readonly #counters = new Map<string, Promise<TokenCounter>>();

  constructor(options: {
    config: LlmConfig;
    providers: ProviderRegistry;
    breaker: () => Promise<BreakerPolicy | undefined>;
    logger: Logger;
  }) {
    this.#config = options.config;
    this.#providers = options.providers;
    this.#breaker = options.breaker;
    this.#logger = options.logger;
  }

  /** The alias a request without `model` uses. */
  get defaultAlias(): string | undefined {
    return this.#config.default ?? Object.keys(this.#config.models)[0];
  }

  /** The models of an alias (or the one model of `<provider>/<model>`), in config order. */
  targetsOf(ref: string | undefined): { alias?: string; targets: RouteTarget[] } {
    const name = ref ?? this.defaultAlias;
    if (name === undefined) {
      throw new LocalmcpError(
        ErrorCodes.MODEL_NOT_FOUND,
        'no model configured: add providers and model aliases to the llm section of the config',
      );
    }
    const alias = this.#config.models[name];
    if (alias) return { alias: name, targets: alias.map((target) => ({ ...target, alias: name })) };
    const slash = name.indexOf('/');
    const provider = slash > 0 ? name.slice(0, slash) : '';
    if (slash > 0 && this.#providers.names().includes(provider)) {
      return { targets: [{ ...DEFAULT_TARGET, provider, model: name.slice(slash + 1) }] };
    }
    const aliases = Object.keys(this.#config.models);
    throw new LocalmcpError(
      ErrorCodes.MODEL_NOT_FOUND,
      `no model "${name}": use an alias of llm.models (${aliases.join(', ') || 'none configured'}) or ` +
        `<provider>/<model> with a provider of llm.providers (${this.#providers.names().join(', ') || 'none'})`,
      { data: { model: name } },
    );
  }

  /** The token counter of a target: its tokenizer when configured, else the estimate. */
  counterFor(target: Pick<ModelTarget, 'tokenizer'>): Promise<TokenCounter> {
    if (!target.tokenizer) return Promise.resolve(estimateCounter);
    let counter = this.#counters.get(target.tokenizer);
    if (!counter) {
      counter = loadTokenizerCounter(target.tokenizer);
      this.#counters.set(target.tokenizer, counter);
    }
    return counter;
  }

  /** Which targets will be tried for `request`, in order, and which are passed over and why. */
  async route(request: LlmRequest): Promise<Route> {
    const { alias, targets } = this.targetsOf(request.model);
    const breaker = await this.#breaker();
    const usable: Array<{ target: RouteTarget; prompt: number; open: boolean }> = [];
    const skipped: RouteAttempt[] = [];
    for (const target of targets) {
      const skip = (why: string) => skipped.push({ provider: target.provider, model: target.model, skipped: why });
      if (request.tools?.length && !target.tools) {
        skip('cannot call tools');
        continue;
      }
      const prompt = promptTokens(request.messages, request.tools, await this.counterFor(target));
      const answer = request.maxTokens ?? target.maxOutputTokens;
      if (prompt + answer > target.contextWindow) {
        skip(`context window ${target.contextWindow} < ${prompt} prompt + ${answer} answer tokens`);
        continue;
      }
      const state = breaker?.state?.({ server: target.provider, tool: target.model });
      usable.push({ target, prompt, open: state === 'OPEN' });
    }
    const order = this.#config.routing;
    const score = ({ target, prompt }: (typeof usable)[number]) => {
      if (order === 'cost') {
        const answer = request.maxTokens ?? target.maxOutputTokens;
        return costOf({ inputTokens: prompt, outputTokens: answer }, target.cost);
      }
      // Unobserved models score 0, so each is tried once and then judged by what it showed.
      if (order === 'latency') return this.stats.latency(target.provider, target.model) ?? 0;
      return 0;
    };
    // Stable sort: equal scores keep the config's order; an open circuit goes last (it would refuse at once).
    const ranked = usable
      .map((entry, index) => ({ entry, index, score: score(entry) }))
      .sort((a, b) => Number(a.entry.open) - Number(b.entry.open) || a.score - b.score || a.index - b.index)
      .map(({ entry }) => entry.target);
    return { ...(alias === undefined ? {} : { alias }), targets: ranked, skipped };
  }

  /** One completion, with failover across the alias's models. */
  async chat(request: LlmRequest, options: HookOptions = {}): Promise<RoutedResponse> {
    const route = await this.route(request);
    const attempts: RouteAttempt[] = [...route.skipped];
    const breaker = await this.#breaker();
    for (const target of route.targets) {
      const provider = await this.#provider(target, attempts);
      if (!provider) continue;
      for (let retry = 0; ; retry++) {
        const started = performance.now();
        try {
          const call = (signal: AbortSignal) =>
            this.#timed(target, signal, (s) => provider.chat(this.#request(request, target), { signal: s }));
          const response = breaker
            ? await breaker.execute({ server: target.provider, tool: target.model }, call, options)
            : await call(options.signal ?? new AbortController().signal);
          return this.#succeeded(route, target, response, performance.now() - started, attempts);
        } catch (error) {
          if (options.signal?.aborted) throw options.signal.reason;
          const next = await this.#failed(target, error, performance.now() - started, retry, attempts, options.signal);
          if (next === 'next-target') break;
        }
      }
    }
    throw this.#exhausted(route, attempts);
  }

  /**
   * A streamed completion, with failover until the first chunk arrives: once text has been passed on, a failure
   * ends the stream with the error (a second model would start its answer over). The breaker judges the opening.
   */
  async *stream(request: LlmRequest, options: HookOptions = {}): AsyncIterable<RoutedChunk> {
    const route = await this.route(request);
    const attempts: RouteAttempt[] = [...route.skipped];
    const breaker = await this.#breaker();
    for (const target of route.targets) {
      const provider = await this.#provider(target, attempts);
      if (!provider) continue;
      for (let retry = 0; ; retry++) {
        const started = performance.now();
        const timeout = AbortSignal.timeout(target.timeoutMs ?? this.#config.timeoutMs);
        // The breaker's signal (its own timeout, say) may end the opening; after that only the caller and the
        // model's timeout can end the stream.
        const opening = new AbortController();
        const signal = AbortSignal.any([timeout, opening.signal, ...(options.signal ? [options.signal] : [])]);
        let opened: { iterator: AsyncIterator<ChatChunk>; first: IteratorResult<ChatChunk> };
        try {
          const open = async (breakerSignal?: AbortSignal) => {
            const onAbort = () => opening.abort(breakerSignal?.reason);
            breakerSignal?.addEventListener('abort', onAbort, { once: true });
            try {
              const chunks = provider.stream
                ? provider.stream(this.#request(request, target), { signal })
                : chunksOf(provider.chat(this.#request(request, target), { signal }));
              const iterator = chunks[Symbol.asyncIterator]();
              return { iterator, first: await this.#guardTimeout(target, timeout, iterator.next()) };
            } finally {
              breakerSignal?.removeEventListener('abort', onAbort);
            }
          };
          opened = breaker
            ? await breaker.execute({ server: target.provider, tool: target.model }, open, options)
            : await open();
        } catch (error) {
          if (options.signal?.aborted) throw options.signal.reason;
          const next = await this.#failed(target, error, performance.now() - started, retry, attempts, options.signal);
          if (next === 'next-target') break;
          continue;
        }
        let result = opened.first;
        while (!result.done) {
          const chunk = result.value;
          if (chunk.type === 'done') {
            yield {
              type: 'done',
              response: this.#succeeded(route, target, chunk.response, performance.now() - started, attempts),
            };
          } else yield chunk;
          result = await this.#guardTimeout(target, timeout, opened.iterator.next());
        }
        return;
      }
    }
    throw this.#exhausted(route, attempts);
  }

  async #provider(target: RouteTarget, attempts: RouteAttempt[]): Promise<ChatProvider | undefined> {
    try {
      return await this.#providers.get(target.provider);
    } catch (error) {
      attempts.push({
        provider: target.provider,
        model: target.model,
        ok: false,
        error: errorMessage(error),
        ...codeOf(error),
      });
      return undefined;
    }
  }

  #request(request: LlmRequest, target: RouteTarget) {
    return {
      model: target.model,
      messages: request.messages,
      ...(request.tools?.length ? { tools: request.tools } : {}),
      maxTokens: Math.min(request.maxTokens ?? target.maxOutputTokens, target.maxOutputTokens),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
  }

  /** Runs one provider call under the model's timeout; a timeout is a retryable PROVIDER_TIMEOUT, not an abort. */
  async #timed<T>(target: RouteTarget, signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeout = AbortSignal.timeout(target.timeoutMs ?? this.#config.timeoutMs);
    return this.#guardTimeout(target, timeout, call(AbortSignal.any([signal, timeout])));
  }

  /** `promise`, or a PROVIDER_TIMEOUT as soon as `timeout` fires, even if the provider ignores its signal. */
  async #guardTimeout<T>(target: RouteTarget, timeout: AbortSignal, promise: Promise<T>): Promise<T> {
    const ms = target.timeoutMs ?? this.#config.timeoutMs;
    const timedOut = () =>
      new LocalmcpError(
        ErrorCodes.PROVIDER_TIMEOUT,
        `${target.provider}/${target.model} gave no answer within ${ms} ms`,
        {
          data: { retryable: true, provider: target.provider, model: target.model },
        },
      );
    let onAbort: (() => void) | undefined;
    const fired = new Promise<never>((_, reject) => {
      onAbort = () => reject(timedOut());
      if (timeout.aborted) onAbort();
      else timeout.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([promise, fired]);
    } catch (error) {
      throw timeout.aborted ? timedOut() : error;
    } finally {
      timeout.removeEventListener('abort', onAbort!);
    }
  }

  #succeeded(
    route: Route,
    target: RouteTarget,
    response: ChatResponse,
    ms: number,
    attempts: RouteAttempt[],
  ): RoutedResponse {
    const costUsd = costOf(response.usage, target.cost);
    this.stats.success(target.provider, target.model, ms, response.usage, costUsd);
    attempts.push({ provider: target.provider, model: target.model, ok: true, ms: Math.round(ms) });
    return {
      ...response,
      provider: target.provider,
      ...(route.alias === undefined ? {} : { alias: route.alias }),
      attempts,
      costUsd,
    };
  }

  /** Records a failed attempt; waits before a retry of the same target, or says to move on. */
  async #failed(
    target: RouteTarget,
    error: unknown,
    ms: number,
    retry: number,
    attempts: RouteAttempt[],
    signal: AbortSignal | undefined,
  ): Promise<'retry' | 'next-target'> {
    attempts.push({
      provider: target.provider,
      model: target.model,
      ok: false,
      ms: Math.round(ms),
      error: errorMessage(error),
      ...codeOf(error),
    });
    if (isRefusedByCircuit(error)) return 'next-target';
    this.stats.failure(target.provider, target.model);
    const data = providerErrorData(error);
    const { maxRetries, maxRetryAfterMs, backoffMs: base } = this.#config.retry;
    this.#logger.debug(
      { provider: target.provider, model: target.model, err: errorMessage(error), retry },
      'model call failed',
    );
    if (!data?.retryable || retry >= maxRetries) return 'next-target';
    const delay = data.retryAfterMs ?? backoffMs(base, retry);
    // Waiting longer than allowed is pointless when another model could answer now.
    if (delay > maxRetryAfterMs) return 'next-target';
    await sleep(delay, signal);
    return 'retry';
  }

  #exhausted(route: Route, attempts: RouteAttempt[]): LocalmcpError {
    const what = route.alias === undefined ? 'the model' : `alias "${route.alias}"`;
    const tried = attempts.map((a) => `${a.provider}/${a.model}: ${a.skipped ?? a.error ?? 'failed'}`);
    const message =
      route.targets.length === 0 && attempts.every((a) => a.skipped)
        ? `no model of ${what} can take this request (${tried.join('; ')})`
        : `every model of ${what} failed: ${tried.join('; ')}`;
    return new LocalmcpError(ErrorCodes.PROVIDER_UNAVAILABLE, message, { data: { attempts } });
  }
}

function codeOf(error: unknown): { code?: string } {
  return isLocalmcpError(error) ? { code: error.code } : {};
}

/** The chunks of a whole answer, for providers without stream(). */
async function* chunksOf(response: Promise<ChatResponse>): AsyncIterable<ChatChunk> {
  const whole = await response;
  if (whole.content) yield { type: 'text', text: whole.content };
  for (const call of whole.toolCalls) yield { type: 'tool_call', call };
  yield { type: 'done', response: whole };
}
