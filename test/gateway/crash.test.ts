// A stdio upstream is SIGKILLed mid-call: the in-flight call fails fast with an error naming the server, the
// supervisor restarts it, the client hears tools/list_changed, and after the gateway stops no process of its
// tree is left. The upstream runs under `sh -c 'sleep 600 & ...; true'`: a grandchild (as npx servers have) and
// a background process that ignores stdin EOF, which only killing the whole process group ends.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, writeConfig } from '../helpers/gateway.js';
import { descendants, isAlive } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const REQUEST_TIMEOUT_MS = 15_000;

test('a SIGKILLed stdio upstream fails in-flight calls, comes back, and leaves no orphans', async (t) => {
  const echo = stdioFixtureConfig({ FIXTURE_NAME: 'victim' });
  const shell = [echo.command, ...echo.args].map((a) => `'${a}'`).join(' ');
  const file = await writeConfig({
    // Errors, not fallback answers, are what this test watches for.
    resilience: { fallbacks: { chain: [] } },
    mcpServers: {
      victim: {
        command: 'sh',
        args: ['-c', `sleep 600 & ${shell}; true`],
        env: echo.env,
        timeouts: { requestMs: REQUEST_TIMEOUT_MS },
        restart: { initialDelayMs: 100, maxDelayMs: 1000 },
      },
    },
  });
  const gateway = await spawnGateway(['--config', file]);
  t.teardown(() => gateway.stop('SIGKILL'));
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  let listChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanged++);

  const firstPid = Number(firstText(await client.callTool({ name: 'victim__pid', arguments: {} })));
  t.true(descendants(gateway.pid).includes(firstPid), 'the upstream is a descendant of the gateway');

  const firstTree = descendants(gateway.pid);
  t.true(firstTree.length >= 3, 'shell, sleeper and server are in the tree');
  const started = Date.now();
  const inFlight = client.callTool({ name: 'victim__slow', arguments: { ms: 30_000 } }, undefined, { timeout: 60_000 });
  await waitFor(() => Date.now() - started > 300);
  process.kill(firstPid, 'SIGKILL');
  const error = await t.throwsAsync(inFlight);
  t.regex(error!.message, /victim/);
  t.true(Date.now() - started < REQUEST_TIMEOUT_MS, 'the in-flight call failed before its timeout');

  await waitFor(() => listChanged > 0, { timeoutMs: 10_000, message: 'tools/list_changed after the crash' });
  const secondPid = await waitFor(
    async () => {
      try {
        return Number(firstText(await client.callTool({ name: 'victim__pid', arguments: {} })));
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 20_000, message: 'the upstream answering again' },
  );
  t.not(secondPid, firstPid, 'a new process answers');
  t.deepEqual(firstTree.filter(isAlive), [], 'the crashed incarnation left no process behind');
  t.is(firstText(await client.callTool({ name: 'victim__echo', arguments: { text: 'back' } })), 'back');

  const tree = descendants(gateway.pid);
  t.true(tree.includes(secondPid));
  t.true(tree.length >= 3, 'shell, sleeper and server are in the tree');
  await client.close();
  t.is(await gateway.stop('SIGTERM'), 0, 'graceful exit');
  await waitFor(() => tree.every((pid) => !isAlive(pid)), {
    timeoutMs: 5000,
    message: 'every process of the tree ended',
  });
  t.deepEqual(tree.filter(isAlive), []);
});
