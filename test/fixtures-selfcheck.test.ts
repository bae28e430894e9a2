// The echo fixture is the upstream most gateway tests stand on, so check it on its own first: every
// feature over each transport (stdio, Streamable HTTP, legacy SSE), then the fault knobs.
// Processes are shared where tests cannot disturb each other: CI machines may have two cores.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import test from 'ava';
import {
  connectClient,
  connectEchoFixture,
  FIXTURE_MODES,
  firstText,
  resourceText,
  type ConnectedFixture,
  type FixtureMode,
} from './helpers/clients.js';
import { startHttpFixture } from './helpers/fixtures.js';
import { descendants, isAlive } from './helpers/process.js';
import { waitFor } from './helpers/wait.js';

const shared = new Map<FixtureMode, Promise<ConnectedFixture>>();
const sharedFixture = (mode: FixtureMode) => {
  if (!shared.has(mode)) shared.set(mode, connectEchoFixture(mode, { FIXTURE_NAME: `check-${mode}` }));
  return shared.get(mode)!;
};
test.after.always(() => Promise.allSettled([...shared.values()].map(async (fixture) => (await fixture).close())));

async function withFixture(
  mode: FixtureMode,
  env: Record<string, string>,
  body: (f: ConnectedFixture) => Promise<void>,
) {
  const fixture = await connectEchoFixture(mode, env);
  try {
    await body(fixture);
  } finally {
    await fixture.close();
  }
}

type Stats = { calls: Record<string, number>; cancelled: number; hung: number };
const stats = async ({ client }: ConnectedFixture) =>
  JSON.parse(firstText(await client.callTool({ name: 'stats', arguments: {} }))) as Stats;

for (const mode of FIXTURE_MODES) {
  test(`${mode}: tools, prompt and resources`, async (t) => {
    const { client } = await sharedFixture(mode);
    t.is(client.getServerVersion()?.name, `check-${mode}`);
    t.is(firstText(await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓' } })), 'héllo ✓');
    t.is(firstText(await client.callTool({ name: 'add', arguments: { a: 2, b: 40.5 } })), '42.5');
    const failed = await client.callTool({ name: 'fail', arguments: { message: 'nope' } });
    t.true(failed.isError);
    t.is(firstText(failed), 'nope');
    const { messages } = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    t.deepEqual(messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }]);
    t.is(resourceText(await client.readResource({ uri: 'fixture://info' })), `fixture check-${mode}`);
    t.is(resourceText(await client.readResource({ uri: 'fixture://items/42' })), 'item 42');
  });

  test(`${mode}: slow reports progress at each step`, async (t) => {
    const { client } = await sharedFixture(mode);
    const progress: Array<{ progress: number; total?: number }> = [];
    const result = await client.callTool({ name: 'slow', arguments: { ms: 500, steps: 4 } }, undefined, {
      onprogress: ({ progress: value, total }) => void progress.push({ progress: value, total }),
    });
    t.is(firstText(result), 'slept 500 ms in 4 steps');
    // Not exactly [1, 2, 3, 4]: the SDK client handles notifications a microtask after a response read in
    // the same chunk, and drops them once the response is in. The fixture paces its notifications, but a
    // loaded machine can still batch the tail; what must hold is that progress arrives, in order.
    t.true(progress.length >= 1);
    t.deepEqual(
      progress,
      [1, 2, 3, 4].slice(0, progress.length).map((value) => ({ progress: value, total: 4 })),
    );
  });

  test(`${mode}: add_tool makes the server send tools/list_changed`, async (t) => {
    const { client } = await sharedFixture(mode);
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
    t.false((await client.listTools()).tools.some((tool) => tool.name === 'later'));
    await client.callTool({ name: 'add_tool', arguments: { name: 'later' } });
    await waitFor(() => changes > 0, { message: 'notifications/tools/list_changed' });
    t.true((await client.listTools()).tools.some((tool) => tool.name === 'later'));
    t.is(firstText(await client.callTool({ name: 'later', arguments: { x: 1 } })), '{"x":1}');
  });

  // A process of its own: the counts must not include other tests' calls.
  test(`${mode}: stats counts every call; a cancelled call stops on the server`, (t) =>
    withFixture(mode, {}, async (fixture) => {
      await fixture.client.callTool({ name: 'echo', arguments: { text: 'a' } });
      await fixture.client.callTool({ name: 'echo', arguments: { text: 'b' } });
      await fixture.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
      t.deepEqual(await stats(fixture), { calls: { echo: 2, add: 1, stats: 1 }, cancelled: 0, hung: 0 });

      const controller = new AbortController();
      const call = fixture.client.callTool({ name: 'slow', arguments: { ms: 60_000, steps: 600 } }, undefined, {
        signal: controller.signal,
        onprogress: () => controller.abort('test cancels'), // abort once the call is surely running
      });
      await t.throwsAsync(call);
      const after = await waitFor(async () => ((await stats(fixture)).cancelled === 1 ? stats(fixture) : undefined), {
        message: 'the server to record the cancellation',
      });
      t.like(after.calls, { echo: 2, add: 1, slow: 1 });
    }));
}

test('FIXTURE_FAILURE_RATE=1 answers every call with a JSON-RPC error', (t) =>
  withFixture('stdio', { FIXTURE_FAILURE_RATE: '1' }, async ({ client }) => {
    const error = await t.throwsAsync(client.callTool({ name: 'echo', arguments: { text: 'x' } }), {
      instanceOf: McpError,
    });
    t.is(error?.code, -32603);
    t.regex(error?.message ?? '', /Injected failure/);
  }));

test('FIXTURE_SEED makes partial failure reproducible; FIXTURE_LATENCY_MS delays calls', async (t) => {
  const env = { FIXTURE_FAILURE_RATE: '0.5', FIXTURE_SEED: '7', FIXTURE_LATENCY_MS: '50' };
  const outcomes = async () => {
    const seen: boolean[] = [];
    await withFixture('stdio', env, async ({ client }) => {
      for (let i = 0; i < 12; i++) {
        const started = Date.now();
        seen.push(
          await client.callTool({ name: 'echo', arguments: { text: 'x' } }).then(
            () => true,
            () => false,
          ),
        );
        t.true(Date.now() - started >= 45, 'latency applied');
      }
    });
    return seen;
  };
  const [first, second] = await Promise.all([outcomes(), outcomes()]);
  t.deepEqual(first, second);
  t.true(first.includes(true) && first.includes(false));
});

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
    const call = (name: string) => client.callTool({ name, arguments: { text: name } }, undefined, { timeout: 10_000 });
    t.is(Number(firstText(await call(calls[0]))), fixture.pid);
    for (const name of calls.slice(1, -1)) t.falsy((await call(name)).isError);
    await t.throwsAsync(call(calls.at(-1)!));
    t.is(await fixture.exited, 1);
    t.false(isAlive(fixture.pid));
  });
}
