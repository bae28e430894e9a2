// The echo fixture is the upstream most gateway tests stand on, so check it on its own first: every
// feature over each transport (stdio, Streamable HTTP, legacy SSE), then the fault knobs.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import test from 'ava';
import { connectClient, connectEchoFixture, FIXTURE_MODES, firstText, type ConnectedFixture } from './helpers/clients.js';
import { startHttpFixture } from './helpers/fixtures.js';
import { descendants, isAlive } from './helpers/process.js';
import { waitFor } from './helpers/wait.js';

async function withFixture(mode: (typeof FIXTURE_MODES)[number], env: Record<string, string>, body: (f: ConnectedFixture) => Promise<void>) {
  const fixture = await connectEchoFixture(mode, env);
  try {
    await body(fixture);
  } finally {
    await fixture.close();
  }
}

const stats = async ({ client }: ConnectedFixture) =>
  JSON.parse(firstText(await client.callTool({ name: 'stats', arguments: {} }))) as { calls: Record<string, number>; cancelled: number };

for (const mode of FIXTURE_MODES) {
  test(`${mode}: tools, prompt and resources`, (t) =>
    withFixture(mode, { FIXTURE_NAME: `check-${mode}` }, async ({ client }) => {
      t.is(client.getServerVersion()?.name, `check-${mode}`);
      t.is(firstText(await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓' } })), 'héllo ✓');
      t.is(firstText(await client.callTool({ name: 'add', arguments: { a: 2, b: 40.5 } })), '42.5');
      const failed = await client.callTool({ name: 'fail', arguments: { message: 'nope' } });
      t.true(failed.isError);
      t.is(firstText(failed), 'nope');
      t.true(Number(firstText(await client.callTool({ name: 'pid', arguments: {} }))) > 0);
      const { messages } = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      t.deepEqual(messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }]);
      t.is((await client.readResource({ uri: 'fixture://info' })).contents[0]?.text, `fixture check-${mode}`);
      t.is((await client.readResource({ uri: 'fixture://items/42' })).contents[0]?.text, 'item 42');
    }));

  test(`${mode}: slow reports progress at each step`, (t) =>
    withFixture(mode, {}, async ({ client }) => {
      const progress: Array<{ progress: number; total?: number }> = [];
      const result = await client.callTool({ name: 'slow', arguments: { ms: 200, steps: 4 } }, undefined, {
        onprogress: ({ progress: value, total }) => void progress.push({ progress: value, total }),
      });
      t.is(firstText(result), 'slept 200 ms in 4 steps');
      t.deepEqual(progress, [1, 2, 3, 4].map((value) => ({ progress: value, total: 4 })));
    }));

  test(`${mode}: a cancelled slow call stops on the server`, (t) =>
    withFixture(mode, {}, async (fixture) => {
      const controller = new AbortController();
      const call = fixture.client.callTool({ name: 'slow', arguments: { ms: 60_000, steps: 600 } }, undefined, {
        signal: controller.signal,
        onprogress: () => controller.abort('test cancels'), // abort once the call is surely running
      });
      await t.throwsAsync(call);
      const { cancelled } = await waitFor(async () => ((await stats(fixture)).cancelled === 1 ? stats(fixture) : undefined), {
        message: 'the server to record the cancellation',
      });
      t.is(cancelled, 1);
    }));

  test(`${mode}: add_tool makes the server send tools/list_changed`, (t) =>
    withFixture(mode, {}, async ({ client }) => {
      let changes = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
      t.false((await client.listTools()).tools.some((tool) => tool.name === 'later'));
      await client.callTool({ name: 'add_tool', arguments: { name: 'later' } });
      await waitFor(() => changes > 0, { message: 'notifications/tools/list_changed' });
      t.true((await client.listTools()).tools.some((tool) => tool.name === 'later'));
      t.is(firstText(await client.callTool({ name: 'later', arguments: { x: 1 } })), '{"x":1}');
    }));

  test(`${mode}: stats counts every tool call since start`, (t) =>
    withFixture(mode, {}, async (fixture) => {
      await fixture.client.callTool({ name: 'echo', arguments: { text: 'a' } });
      await fixture.client.callTool({ name: 'echo', arguments: { text: 'b' } });
      await fixture.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
      t.deepEqual(await stats(fixture), { calls: { echo: 2, add: 1, stats: 1 }, cancelled: 0 });
    }));
}

test('FIXTURE_FAILURE_RATE=1 answers every call with a JSON-RPC error, still counted', (t) =>
  withFixture('stdio', { FIXTURE_FAILURE_RATE: '1' }, async ({ client }) => {
    const error = await t.throwsAsync(client.callTool({ name: 'echo', arguments: { text: 'x' } }), { instanceOf: McpError });
    t.is(error?.code, -32603);
    t.regex(error?.message ?? '', /Injected failure/);
  }));

test('FIXTURE_SEED makes partial failure reproducible', async (t) => {
  const outcomes = async () => {
    const seen: boolean[] = [];
    await withFixture('stdio', { FIXTURE_FAILURE_RATE: '0.5', FIXTURE_SEED: '7' }, async ({ client }) => {
      for (let i = 0; i < 12; i++) {
        seen.push(await client.callTool({ name: 'echo', arguments: { text: 'x' } }).then(() => true, () => false));
      }
    });
    return seen;
  };
  const [first, second] = await Promise.all([outcomes(), outcomes()]);
  t.deepEqual(first, second);
  t.true(first.includes(true) && first.includes(false));
});

test('FIXTURE_LATENCY_MS delays each call', (t) =>
  withFixture('stdio', { FIXTURE_LATENCY_MS: '300' }, async ({ client }) => {
    const started = Date.now();
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    t.true(Date.now() - started >= 290);
  }));

// Over HTTP so the test owns the process and can read its exit code.
for (const [how, env, calls] of [
  ['FIXTURE_CRASH_AFTER=2', { FIXTURE_CRASH_AFTER: '2' }, ['pid', 'echo', 'echo']],
  ['the crash tool', {}, ['pid', 'crash']],
] as const) {
  test(`${how} ends the process with exit code 1`, async (t) => {
    const fixture = await startHttpFixture('http', env);
    t.teardown(() => fixture.close());
    t.true(descendants(process.pid).includes(fixture.pid));
    const client = await connectClient(new StreamableHTTPClientTransport(new URL(fixture.url)));
    t.teardown(() => client.close());
    const results = calls.map((name) => client.callTool({ name, arguments: { text: name } }, undefined, { timeout: 10_000 }));
    t.is(Number(firstText(await results[0]!)), fixture.pid);
    for (const served of results.slice(1, -1)) t.falsy((await served).isError);
    await t.throwsAsync(results.at(-1)!);
    t.is(await fixture.exited, 1);
    t.false(isAlive(fixture.pid));
  });
}
