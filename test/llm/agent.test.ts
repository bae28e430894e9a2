// The agent end to end: a real gateway with the echo fixture as its upstream, the real openai SDK talking to a
// loopback OpenAI server whose answers are scripted, and the run started over HTTP (POST /api/v1/execute).
import { readFile } from 'node:fs/promises';
import test from 'ava';
import type { ChatMessage, ToolDefinition } from '@localmcp/plugin-api';
import type { AgentRun, AgentStep } from '../../server/llm/agent/agent.js';
import { AGENT_TOOLS } from '../../server/llm/agent/agent.js';
import { loadTokenizerCounter, promptTokens } from '../../server/llm/context/tokens.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { SHARED_TOKENIZER, fakeProvider, startFakeOpenAIChat, startLlmGateway } from '../helpers/llm.js';
import type { ReceivedRequest } from '../../plugins/provider-openai/test/helpers/fake-openai-chat.js';

const TASK = 'Sleep 800 ms twice at the same time, then join both reports into one line and tell me the line.';
const SLEEP_MS = 800;
const CATALOG = '/work/shared/data/toolret/livemcp_catalog.jsonl';

type Sent = Array<{ role: string; content: string | null; tool_call_id?: string }>;

/** The tool messages the model was sent in a request, by call id. */
function toolResults(request: ReceivedRequest): Map<string, string> {
  const messages = request.body.messages as Sent;
  return new Map(messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id!, String(m.content)]));
}

function toolNames(request: ReceivedRequest): string[] {
  return (request.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name);
}

test('the agent searches, runs two independent tools in parallel, then one that uses both results', async (t) => {
  const model = await startFakeOpenAIChat();
  const gw = await startLlmGateway({
    mcpServers: { echo: stdioFixtureConfig({ FIXTURE_AGENT_TOOLS: '1' }) },
    discovery: { mode: 'all' },
    llm: {
      providers: { scripted: fakeProvider('openai', model.baseURL) },
      models: {
        smart: { provider: 'scripted', model: 'scripted-model', contextWindow: 16_000, tokenizer: SHARED_TOKENIZER },
      },
      agent: { stream: true },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await model.close();
  });

  // Turn 1: two searches at once. Turn 2: the names found, two slow calls and a join that references both.
  model.script.push(
    {
      content: 'Let me find the tools.',
      toolCalls: [
        { id: 'call_s1', name: 'search_tools', arguments: { query: 'sleep for some milliseconds' } },
        { id: 'call_s2', name: 'search_tools', arguments: { query: 'join texts into one' } },
      ],
    },
    (request) => {
      const results = toolResults(request);
      const found = (id: string, part: string) =>
        (JSON.parse(results.get(id)!) as { tools: Array<{ name: string }> }).tools.find((x) => x.name.includes(part))!
          .name;
      const slow = found('call_s1', 'slow');
      const join = found('call_s2', 'join');
      return {
        toolCalls: [
          { id: 'call_a', name: 'call_tool', arguments: { name: slow, arguments: { ms: SLEEP_MS, steps: 2 } } },
          { id: 'call_b', name: 'call_tool', arguments: { name: slow, arguments: { ms: SLEEP_MS, steps: 2 } } },
          {
            id: 'call_c',
            name: 'call_tool',
            arguments: { name: join, arguments: { parts: ['$call_a', '$call_b'], separator: ' | ' } },
          },
        ],
      };
    },
    (request) => ({ content: `The line is: ${toolResults(request).get('call_c')}` }),
  );

  const response = await fetch(`${gw.url}/api/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task: TASK, model: 'smart' }),
  });
  const run = (await response.json()) as AgentRun;
  t.is(response.status, 200, JSON.stringify(run));

  const expectedLine = `slept ${SLEEP_MS} ms in 2 steps | slept ${SLEEP_MS} ms in 2 steps`;
  t.is(run.answer, `The line is: ${expectedLine}`);
  t.is(run.stopped, 'answer');

  // The model saw only the three meta-tools, in every turn.
  t.is(model.requests.length, 3);
  for (const request of model.requests) t.deepEqual(toolNames(request), ['search_tools', 'call_tool', 'list_servers']);
  t.true(
    model.requests.every((r) => r.body.stream === true),
    'turns were streamed',
  );

  // The plans: two independent searches; then a and b together, c after both.
  const plans = run.steps.filter((s): s is Extract<AgentStep, { type: 'plan' }> => s.type === 'plan');
  t.deepEqual(
    plans.map((p) => p.waves),
    [[['call_s1', 'call_s2']], [['call_a', 'call_b'], ['call_c']]],
  );
  t.deepEqual(plans[1]!.dependsOn, { call_a: [], call_b: [], call_c: ['call_a', 'call_b'] });

  // Timing: a and b overlapped (together they took far less than one after the other), c waited for both.
  const tool = (id: string) =>
    run.steps.find((s): s is Extract<AgentStep, { type: 'tool' }> => s.type === 'tool' && s.id === id)!;
  const [a, b, c] = [tool('call_a'), tool('call_b'), tool('call_c')];
  t.true(a.ms >= SLEEP_MS && b.ms >= SLEEP_MS);
  const span = Math.max(a.startMs + a.ms, b.startMs + b.ms) - Math.min(a.startMs, b.startMs);
  t.log(`a ${a.ms} ms, b ${b.ms} ms, both together ${span} ms (one after the other: ${a.ms + b.ms} ms)`);
  t.true(span < 0.8 * (a.ms + b.ms), `parallel: ${span} ms < 80% of ${a.ms + b.ms} ms`);
  t.true(c.startMs >= Math.max(a.startMs + a.ms, b.startMs + b.ms), 'c started after a and b ended');
  t.is(c.target, 'echo__join');
  t.deepEqual(c.arguments, {
    name: 'echo__join',
    arguments: { parts: [`slept ${SLEEP_MS} ms in 2 steps`, `slept ${SLEEP_MS} ms in 2 steps`], separator: ' | ' },
  });
  t.is(c.result, expectedLine);
  t.true([a, b, c].every((s) => s.ok));

  // Each model step reports the prompt tokens the optimizer counted with the real tokenizer.
  const turns = run.steps.filter((s): s is Extract<AgentStep, { type: 'model' }> => s.type === 'model');
  t.deepEqual(
    turns.map((s) => s.context.counter),
    Array(3).fill(`tokenizer:${SHARED_TOKENIZER}`),
  );
  t.true(run.usage.inputTokens > 0 && run.usage.outputTokens > 0);

  // The note's measurement: the prompt tokens of this task in discovery mode (what was sent, counted with the real
  // tokenizer) against the same task with every tool exposed (the LiveMCPBench catalog plus the fixture's tools).
  const counter = await loadTokenizerCounter(SHARED_TOKENIZER);
  const discovery = turns.map((s) => s.context.promptTokens);
  const catalog = (await readFile(CATALOG, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as {
          server: string;
          name: string;
          description?: string;
          inputSchema: Record<string, unknown>;
        },
    )
    .map((tool): ToolDefinition => ({
      name: `${tool.server}__${tool.name}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: tool.inputSchema,
    }));
  const listed = await gw.gateway.discovery.listTools('all');
  const allTools: ToolDefinition[] = [
    ...listed.map((x) => ({
      name: x.name,
      description: x.description,
      inputSchema: x.inputSchema as Record<string, unknown>,
    })),
    ...catalog,
  ];
  // All tools exposed, the model needs no search: turn 1 makes the three calls, turn 2 answers.
  const system: ChatMessage = { role: 'system', content: 'You complete tasks with the tools you are given.' };
  const direct: ChatMessage = {
    role: 'assistant',
    content: '',
    toolCalls: [
      { id: 'call_a', name: 'echo__slow', arguments: { ms: SLEEP_MS, steps: 2 } },
      { id: 'call_b', name: 'echo__slow', arguments: { ms: SLEEP_MS, steps: 2 } },
      { id: 'call_c', name: 'echo__join', arguments: { parts: ['$call_a', '$call_b'], separator: ' | ' } },
    ],
  };
  const results: ChatMessage[] = [a, b, c].map((s) => ({ role: 'tool', toolCallId: s.id, content: s.result }));
  const everything = [
    promptTokens([system, { role: 'user', content: TASK }], allTools, counter),
    promptTokens([system, { role: 'user', content: TASK }, direct, ...results], allTools, counter),
  ];
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  t.log(
    `prompt tokens, discovery mode (3 meta-tools): ${discovery.join(' + ')} = ${sum(discovery)}; ` +
      `all ${allTools.length} tools exposed: ${everything.join(' + ')} = ${sum(everything)}; ` +
      `tool definitions alone: ${promptTokens([], AGENT_TOOLS, counter)} vs ${promptTokens([], allTools, counter)}`,
  );
  t.true(sum(discovery) * 10 < sum(everything), 'discovery mode sends a small fraction of the tokens');
});

test('POST /api/v1/execute: 400 for a bad body, 409 without models, NDJSON steps when asked to stream', async (t) => {
  const model = await startFakeOpenAIChat();
  const bare = await startLlmGateway({ mcpServers: {} });
  const gw = await startLlmGateway({
    mcpServers: { echo: stdioFixtureConfig() },
    llm: {
      providers: { scripted: fakeProvider('openai', model.baseURL) },
      models: { fast: { provider: 'scripted', model: 'm' } },
    },
  });
  t.teardown(async () => {
    await Promise.all([bare.close(), gw.close()]);
    await model.close();
  });
  const post = (url: string, body: unknown) =>
    fetch(`${url}/api/v1/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const none = await post(bare.url, { task: 'hi' });
  t.is(none.status, 409);
  t.regex(((await none.json()) as { error: string }).error, /no model is configured/);
  const bad = await post(gw.url, { task: '', extra: 1 });
  t.is(bad.status, 400);
  t.regex(
    ((await bad.json()) as { error: string }).error,
    /task: the task must not be empty; body: Unrecognized key: "extra"/,
  );
  const unknown = await post(gw.url, { task: 'hi', model: 'nope' });
  t.is(unknown.status, 400);
  t.regex(((await unknown.json()) as { error: string }).error, /no model "nope"/);

  model.script.push(
    { toolCalls: [{ id: 'c1', name: 'list_servers', arguments: {} }] },
    { content: 'There is one server, echo.' },
  );
  const streamed = await post(gw.url, { task: 'Which servers are there?', stream: true });
  t.is(streamed.status, 200);
  t.regex(streamed.headers.get('content-type') ?? '', /application\/x-ndjson/);
  const lines = (await streamed.text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
  const types = lines.map((l) => l.type).filter((type) => type !== 'text');
  t.deepEqual(types, ['model', 'plan', 'tool', 'model', 'answer', 'run']);
  const toolLine = lines.find((l) => l.type === 'tool')!;
  t.is(toolLine.name, 'list_servers');
  t.regex(String(toolLine.result), /"name":"echo"/);
  t.is(lines.at(-1)!.answer, 'There is one server, echo.');

  model.script.push({ status: 500 }, { status: 500 });
  const outage = await post(gw.url, { task: 'hi' });
  t.is(outage.status, 502);
  t.regex(((await outage.json()) as { error: string }).error, /every model of alias "fast" failed/);
});
