import test from 'ava';
import { ErrorCodes } from '@localmcp/plugin-api';
import { GatewayConfigSchema } from '../../server/config/schema.js';
import { loadConfig } from '../../server/config/load.js';
import { writeConfig } from '../helpers/gateway.js';

test('the llm section: defaults, one target or a chain per alias, and every default filled in', (t) => {
  const { llm } = GatewayConfigSchema.parse({
    llm: {
      providers: {
        openai: {},
        ollama: { plugin: 'provider:openai', options: { baseURL: 'http://127.0.0.1:11434/v1' } },
      },
      models: {
        fast: { provider: 'ollama', model: 'llama3.2' },
        smart: [{ provider: 'openai', model: 'gpt-4o', contextWindow: 128000, cost: { input: 2.5, output: 10 } }],
      },
    },
  });
  t.deepEqual(llm.models.fast, [
    {
      provider: 'ollama',
      model: 'llama3.2',
      contextWindow: 128_000,
      maxOutputTokens: 4096,
      tools: true,
      cost: { input: 0, output: 0 },
    },
  ]);
  t.like(llm, {
    routing: 'order',
    timeoutMs: 120_000,
    retry: { maxRetries: 1, maxRetryAfterMs: 30_000 },
    agent: { maxSteps: 12, keepRecentTurns: 2, stream: true },
    sampling: { servers: [], maxTokens: 1024 },
  });
  t.deepEqual(GatewayConfigSchema.parse({}).llm.models, {}, 'no llm section: nothing configured');
});

test('mistakes name the field: unknown provider, unknown alias, a typo in a model target', async (t) => {
  const file = await writeConfig({
    llm: {
      providers: { a: { plugin: 'provider:openai' } },
      models: { fast: { provider: 'b', model: 'x', contextwindow: 5 } },
      default: 'quick',
      sampling: { model: 'slow' },
    },
  });
  const error = await t.throwsAsync(loadConfig({ path: file }));
  t.is((error as { code?: string }).code, ErrorCodes.CONFIG_INVALID);
  t.regex(error!.message, /llm\.models\.fast\[0\]: Unrecognized key: "contextwindow"/);
  t.regex(error!.message, /llm\.models\.fast\[0\]\.provider: no provider "b" in llm\.providers \(a\)/);
  t.regex(error!.message, /llm\.default: no alias "quick" in llm\.models \(fast\)/);
  t.regex(error!.message, /llm\.sampling\.model: no alias "slow"/);
});
