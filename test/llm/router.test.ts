import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ErrorCodes } from '@localmcp/plugin-api';
import type { ChatMessage } from '@localmcp/plugin-api';
import { GatewayConfigSchema } from '../../server/config/schema.js';
import { LlmService } from '../../server/llm/service.js';
import type { RoutedChunk } from '../../server/llm/router.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import {
  fakeProvider,
  loadProviderPlugins,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAIChat,
} from '../helpers/llm.js';

async function fakes(t: ExecutionContext) {
  const [openai, anthropic, google] = await Promise.all([
    startFakeOpenAIChat(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  t.teardown(() => Promise.all([openai.close(), anthropic.close(), google.close()]));
  return { openai, anthropic, google };
}

async function service(t: ExecutionContext, llm: Record<string, unknown>) {
  const plugins = await loadProviderPlugins();
  const config = GatewayConfigSchema.parse({ llm, resilience: { policy: 'none' } });
  const llmService = new LlmService({ config, plugins, logger: silentLogger() });
  t.teardown(async () => {
    await llmService.close();
    await plugins.close();
  });
  return llmService;
}

const ASK: ChatMessage[] = [{ role: 'user', content: 'Say hello.' }];

test('failover across vendors: OpenAI answers 500, Gemini times out, Claude answers', async (t) => {
  const { openai, anthropic, google } = await fakes(t);
  const llm = await service(t, {
    providers: {
      openai: fakeProvider('openai', openai.baseURL),
      gemini: fakeProvider('google', google.baseURL),
      claude: fakeProvider('anthropic', anthropic.baseURL),
    },
    models: {
      smart: [
        { provider: 'openai', model: 'gpt-test' },
        { provider: 'gemini', model: 'gemini-test', timeoutMs: 700 },
        { provider: 'claude', model: 'claude-test' },
      ],
    },
    retry: { maxRetries: 0 },
    breaker: { policy: 'none' },
  });
  openai.script.push({ status: 500 });
  google.script.push({ hang: true });
  anthropic.script.push({ content: 'Hello from Claude.', usage: { input_tokens: 9, output_tokens: 4 } });
  const response = await llm.chat({ model: 'smart', messages: ASK });
  t.is(response.content, 'Hello from Claude.');
  t.is(response.provider, 'claude');
  t.is(response.alias, 'smart');
  t.deepEqual(response.usage, { inputTokens: 9, outputTokens: 4 });
  t.deepEqual(
    response.attempts.map(({ provider, ok, code }) => ({ provider, ok, code })),
    [
      { provider: 'openai', ok: false, code: ErrorCodes.PROVIDER_REQUEST_FAILED },
      { provider: 'gemini', ok: false, code: ErrorCodes.PROVIDER_TIMEOUT },
      { provider: 'claude', ok: true, code: undefined },
    ],
  );
  t.regex(response.attempts[0]!.error!, /answered 500/);
  t.is(openai.requests.length, 1);
  t.is(google.requests.length, 1);
  t.is(anthropic.requests.length, 1);
});

test('retries honour retry-after on the same provider before failing over', async (t) => {
  const { openai, anthropic } = await fakes(t);
  const llm = await service(t, {
    providers: { openai: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      fast: [
        { provider: 'openai', model: 'gpt-test' },
        { provider: 'claude', model: 'claude-test' },
      ],
    },
    retry: { maxRetries: 1, maxRetryAfterMs: 5000 },
    breaker: { policy: 'none' },
  });
  openai.script.push({ status: 429, headers: { 'retry-after-ms': '600' } }, { content: 'second try' });
  const response = await llm.chat({ messages: ASK });
  t.is(response.content, 'second try');
  t.is(response.provider, 'openai');
  t.is(openai.requests.length, 2);
  t.true(openai.requests[1]!.at - openai.requests[0]!.at >= 550, 'the retry waited for retry-after');
  t.is(anthropic.requests.length, 0);

  // A retry-after longer than allowed is not waited for: the next provider answers at once.
  openai.script.push({ status: 503, headers: { 'retry-after': '120' } });
  anthropic.script.push({ content: 'from the next provider' });
  const started = Date.now();
  const next = await llm.chat({ messages: ASK });
  t.is(next.provider, 'claude');
  t.true(Date.now() - started < 60_000);
  t.is(openai.requests.length, 3);
});

test('a provider circuit opens after failures; an open circuit is passed over without a request', async (t) => {
  const { openai, anthropic } = await fakes(t);
  const llm = await service(t, {
    providers: { openai: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      smart: [
        { provider: 'openai', model: 'gpt-test' },
        { provider: 'claude', model: 'claude-test' },
      ],
    },
    retry: { maxRetries: 0 },
    breaker: { policy: 'classic', options: { failureThreshold: 2, openMs: 60_000 } },
  });
  openai.script.push({ status: 502 }, { status: 502 });
  for (let i = 0; i < 2; i++) t.is((await llm.chat({ messages: ASK })).provider, 'claude');
  t.is(openai.requests.length, 2);
  t.is(llm.view().providers.find((p) => p.name === 'openai')!.circuit, 'OPEN');
  const third = await llm.chat({ messages: ASK });
  t.is(third.provider, 'claude');
  t.is(openai.requests.length, 2, 'the open circuit sent nothing to OpenAI');
  const view = llm.view();
  t.is(view.providers.find((p) => p.name === 'claude')!.circuit, 'CLOSED');
  t.true(view.providers.find((p) => p.name === 'claude')!.tokens > 0);
});

test('routing by capability (tools, context window) and by cost', async (t) => {
  const { openai, anthropic } = await fakes(t);
  const llm = await service(t, {
    providers: { local: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      tools: [
        { provider: 'local', model: 'no-tools', tools: false },
        { provider: 'local', model: 'tiny', contextWindow: 300, maxOutputTokens: 100 },
        { provider: 'claude', model: 'claude-test' },
      ],
      cheap: [
        { provider: 'claude', model: 'pricey', cost: { input: 3, output: 15 } },
        { provider: 'local', model: 'bargain', cost: { input: 0.1, output: 0.4 } },
      ],
    },
    routing: 'order',
  });
  const tool = { name: 'lookup', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } };
  const long: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(400) }];
  const route = await llm.router.route({ model: 'tools', messages: long, tools: [tool] });
  t.deepEqual(
    route.targets.map((target) => target.model),
    ['claude-test'],
  );
  t.deepEqual(
    route.skipped.map((s) => [s.model, s.skipped!.replace(/\d+ prompt/, 'N prompt')]),
    [
      ['no-tools', 'cannot call tools'],
      ['tiny', 'context window 300 < N prompt + 100 answer tokens'],
    ],
  );
  const answered = await llm.chat({ model: 'tools', messages: long, tools: [tool] });
  t.is(answered.provider, 'claude');
  t.is(openai.requests.length, 0);

  const byCost = await service(t, {
    providers: { local: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      cheap: [
        { provider: 'claude', model: 'pricey', cost: { input: 3, output: 15 } },
        { provider: 'local', model: 'bargain', cost: { input: 0.1, output: 0.4 } },
      ],
    },
    routing: 'cost',
  });
  openai.script.push({ content: 'cheap answer', usage: { prompt_tokens: 1_000_000, completion_tokens: 0 } });
  const cheap = await byCost.chat({ model: 'cheap', messages: ASK });
  t.is(cheap.model, 'bargain');
  t.is(cheap.costUsd, 0.1, 'a million input tokens at $0.10 per million');
  await t.throwsAsync(byCost.chat({ model: 'nope', messages: ASK }), {
    message: /no model "nope": use an alias of llm.models \(cheap\)/,
  });
});

test('streaming fails over before the first chunk and then streams the answer', async (t) => {
  const { openai, anthropic } = await fakes(t);
  const llm = await service(t, {
    providers: { openai: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      smart: [
        { provider: 'openai', model: 'gpt-test' },
        { provider: 'claude', model: 'claude-test' },
      ],
    },
    retry: { maxRetries: 0 },
  });
  openai.script.push({ status: 500 });
  anthropic.script.push({ content: 'Streaming from the second provider.' });
  const chunks: RoutedChunk[] = [];
  for await (const chunk of llm.stream({ messages: ASK })) chunks.push(chunk);
  const text = chunks.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('');
  t.is(text, 'Streaming from the second provider.');
  const done = chunks.at(-1)!;
  t.is(done.type, 'done');
  if (done.type === 'done') {
    t.is(done.response.provider, 'claude');
    t.deepEqual(
      done.response.attempts.map((a) => a.ok),
      [false, true],
    );
  }
  t.is(anthropic.requests[0]!.body.stream, true);
});

test('every model failing is one PROVIDER_UNAVAILABLE error listing each attempt; an abort ends at once', async (t) => {
  const { openai, anthropic } = await fakes(t);
  const llm = await service(t, {
    providers: { openai: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
    models: {
      smart: [
        { provider: 'openai', model: 'gpt-test' },
        { provider: 'claude', model: 'claude-test' },
      ],
    },
    retry: { maxRetries: 0 },
    breaker: { policy: 'none' },
  });
  openai.script.push({ status: 500 });
  anthropic.script.push({ status: 401 });
  const error = await t.throwsAsync(llm.chat({ messages: ASK }));
  t.is((error as { code?: string }).code, ErrorCodes.PROVIDER_UNAVAILABLE);
  t.regex(
    error!.message,
    /every model of alias "smart" failed: openai\/gpt-test: .*answered 500.*; claude\/claude-test: .*answered 401/,
  );

  openai.script.push({ hang: true });
  const controller = new AbortController();
  const reason = new Error('user cancelled');
  setTimeout(() => controller.abort(reason), 100);
  t.is(await t.throwsAsync(llm.chat({ messages: ASK }, { signal: controller.signal })), reason);
  t.is(anthropic.requests.length, 1, 'no failover after the caller aborted');
});
