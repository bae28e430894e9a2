// MCP sampling: a real upstream (the echo fixture) asks the gateway for a completion with sampling/createMessage;
// the gateway answers through the configured providers (real SDKs against loopback vendor servers).
import test from 'ava';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { fakeProvider, startFakeAnthropic, startFakeOpenAIChat, startLlmGateway } from '../helpers/llm.js';

const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

test('an allowed upstream’s sampling request is answered through the providers; others get no sampling', async (t) => {
  const [openai, anthropic] = await Promise.all([startFakeOpenAIChat(), startFakeAnthropic()]);
  const gw = await startLlmGateway({
    mcpServers: {
      echo: stdioFixtureConfig({ FIXTURE_AGENT_TOOLS: '1' }),
      other: stdioFixtureConfig({ FIXTURE_AGENT_TOOLS: '1', FIXTURE_NAME: 'other' }),
    },
    llm: {
      providers: { gpt: fakeProvider('openai', openai.baseURL), claude: fakeProvider('anthropic', anthropic.baseURL) },
      models: {
        fast: { provider: 'gpt', model: 'gpt-test' },
        smart: { provider: 'claude', model: 'claude-sonnet-test' },
      },
      sampling: { servers: ['echo'], model: 'fast', maxTokens: 256 },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });

  // No model hint: llm.sampling.model (fast, an OpenAI-compatible provider).
  openai.script.push({ content: 'Autumn moonlight, a worm digs silently.' });
  const first = await gw.gateway.router.callTool('echo__sample', { prompt: 'Write a haiku.', maxTokens: 5000 });
  t.falsy(first.isError, textOf(first));
  t.deepEqual(JSON.parse(textOf(first)), {
    model: 'gpt/gpt-test',
    stopReason: 'endTurn',
    text: 'Autumn moonlight, a worm digs silently.',
  });
  const sent = openai.requests[0]!.body;
  t.deepEqual(sent.messages, [
    { role: 'system', content: 'You are sampled by the echo fixture.' },
    { role: 'user', content: 'Write a haiku.' },
  ]);
  t.is(sent.max_tokens, 256, "the server's 5000 is bounded by llm.sampling.maxTokens");

  // A hint that names part of a model ("sonnet") picks the alias holding it.
  anthropic.script.push({ content: 'A sonnet, briefly.' });
  const hinted = await gw.gateway.router.callTool('echo__sample', { prompt: 'Something short.', hint: 'sonnet' });
  t.is(JSON.parse(textOf(hinted)).model, 'claude/claude-sonnet-test');
  t.is(anthropic.requests[0]!.body.system, 'You are sampled by the echo fixture.');

  // A provider failure reaches the server as a JSON-RPC error, which its tool reports.
  openai.script.push({ status: 400, body: { error: { message: 'bad request' } } });
  const failed = await gw.gateway.router.callTool('echo__sample', { prompt: 'Fail please.' });
  t.true(failed.isError);
  t.regex(textOf(failed), /sampling failed: every model of alias "fast" failed/);

  // `other` is not in llm.sampling.servers: the gateway declared no sampling capability to it and has no handler,
  // so its request gets JSON-RPC "method not found" and no provider is asked.
  const refused = await gw.gateway.router.callTool('other__sample', { prompt: 'Write a haiku.' });
  t.true(refused.isError);
  t.regex(textOf(refused), /-32601: Method not found/);
  t.is(openai.requests.length, 2);
});
