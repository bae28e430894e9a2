// `localmcp run` as a real oclif process: the provider plugin is found through oclif like any installed plugin.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { AgentRun } from '../../server/llm/agent/agent.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, writeConfig } from '../helpers/gateway.js';
import { TEST_KEY_ENV, fakeProvider, startFakeOpenAIChat } from '../helpers/llm.js';

async function setup(t: ExecutionContext) {
  const model = await startFakeOpenAIChat();
  t.teardown(() => model.close());
  const config = await writeConfig({
    mcpServers: { echo: stdioFixtureConfig() },
    llm: {
      providers: { local: fakeProvider('openai', model.baseURL) },
      models: { fast: { provider: 'local', model: 'local-model' } },
    },
  });
  model.script.push(
    {
      content: 'Searching.',
      toolCalls: [{ id: 'c1', name: 'search_tools', arguments: { query: 'add two numbers' } }],
    },
    { toolCalls: [{ id: 'c2', name: 'call_tool', arguments: { name: 'echo__add', arguments: { a: 2, b: 40 } } }] },
    { content: '2 + 40 = 42.' },
  );
  return { model, config };
}

test('localmcp run streams its steps to the terminal and prints the answer', async (t) => {
  const { model, config } = await setup(t);
  const result = await runCli(['run', 'What is 2 + 40?', '--config', config], {
    env: { [TEST_KEY_ENV]: 'test-key' },
    timeoutMs: 90_000,
  });
  t.is(result.code, 0, result.stderr);
  const out = result.stdout;
  t.regex(out, /^Searching\.$/m, 'streamed text');
  t.regex(out, /· turn 1: local\/local-model [\d.]+ s, \d+→\d+ tokens → search_tools\(\{"query":"add two numbers"\}\)/);
  t.regex(out, /✓ search_tools \(\d+ ms\): \{"tools":\[\{"name":"echo__add"/);
  t.regex(out, /✓ echo__add \(\d+ ms\): 42/);
  t.regex(out, /2 \+ 40 = 42\./);
  t.regex(out, /done in [\d.]+ s · \d+ prompt \+ \d+ completion tokens/);
  t.is(out.match(/2 \+ 40 = 42\./g)!.length, 1, 'the streamed answer is not printed twice');
  t.is(model.requests.length, 3);
});

test('localmcp run --json prints the whole run; without models it exits 2 with a hint', async (t) => {
  const { config } = await setup(t);
  const result = await runCli(['run', 'What is 2 + 40?', '--config', config, '--json'], {
    env: { [TEST_KEY_ENV]: 'test-key' },
    timeoutMs: 90_000,
  });
  t.is(result.code, 0, result.stderr);
  const run = JSON.parse(result.stdout) as AgentRun;
  t.is(run.answer, '2 + 40 = 42.');
  t.deepEqual(
    run.steps.filter((s) => s.type === 'tool').map((s) => (s.type === 'tool' ? (s.target ?? s.name) : '')),
    ['search_tools', 'echo__add'],
  );

  const bare = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const none = await runCli(['run', 'hi', '--config', bare]);
  t.is(none.code, 2);
  t.regex(none.stderr, /no model is configured/);
});
