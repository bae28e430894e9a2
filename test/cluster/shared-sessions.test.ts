// A Streamable HTTP session opened on one `localmcp serve` process continues on another: two real gateway
// processes share a private Redis; the client initializes on A and calls tools on B with A's Mcp-Session-Id.
import test from 'ava';
import { Redis } from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, tempDir, writeConfig } from '../helpers/gateway.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';

const PREFIX = 'sessions-test:';

/** A real SDK client on `url`; with `sessionId` it continues that session instead of initializing. */
async function client(url: string, key: string, sessionId?: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    sessionId,
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  const sdk = new Client({ name: 'session-roamer', version: '2.0.0' }, { capabilities: { roots: {} } });
  await sdk.connect(transport);
  return { sdk, transport };
}

test('a session started on one gateway process continues on another sharing Redis', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const dataDir = await tempDir('localmcp-sessions-');
  const keys = new KeyStore(keyFilePath(dataDir));
  const alice = await keys.create({ name: 'alice', scopes: ['server:echo'] });
  const bob = await keys.create({ name: 'bob', scopes: ['server:echo'] });
  const config = await writeConfig({
    redis: { url: redis.url, keyPrefix: PREFIX },
    gateway: { sessionIdleMs: 120_000 },
    cache: { enabled: false }, // so that each answer comes from the process asked (no shared L2)
    security: { auth: { keys: true } },
    mcpServers: { echo: stdioFixtureConfig() },
  });
  const env = { LOCALMCP_DATA_DIR: dataDir };
  const [a, b] = await Promise.all([spawnGateway(['--config', config], env), spawnGateway(['--config', config], env)]);
  t.teardown(async () => void (await Promise.all([a.stop(), b.stop()])));

  const onA = await client(a.url, alice.key);
  t.teardown(() => onA.sdk.close());
  const sessionId = onA.transport.sessionId!;
  t.truthy(sessionId);
  const pidA = firstText(await onA.sdk.callTool({ name: 'echo__pid', arguments: {} }));

  // The record is in Redis with the session's TTL, and says who opened it with what.
  const inspect = new Redis(redis.url);
  t.teardown(() => void inspect.disconnect());
  const record = JSON.parse((await inspect.get(`${PREFIX}session:${sessionId}`))!) as Record<string, unknown>;
  t.is(record.principal, `key:${alice.info.id}`);
  t.deepEqual(record.clientInfo, { name: 'session-roamer', version: '2.0.0' });
  t.deepEqual(record.clientCapabilities, { roots: {} });
  t.is(record.mode, 'all');
  t.is(typeof record.protocolVersion, 'string');
  const ttl = await inspect.pttl(`${PREFIX}session:${sessionId}`);
  t.true(ttl > 100_000 && ttl <= 120_000, `TTL ${ttl}`);

  // B has never seen the session; it continues it instead of answering 404.
  const onB = await client(b.url, alice.key, sessionId);
  const echoed = await onB.sdk.callTool({ name: 'echo__echo', arguments: { text: 'roaming' } });
  t.is(firstText(echoed), 'roaming');
  const pidB = firstText(await onB.sdk.callTool({ name: 'echo__pid', arguments: {} }));
  t.not(pidB, pidA, 'answered by B (its own upstream process)');
  t.true((await onB.sdk.listTools()).tools.some((tool) => tool.name === 'echo__echo'));
  // B's copy answers plain requests as one JSON body, like a session opened there (the fast path), not a stream.
  const plain = await fetch(`${b.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${alice.key}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': record.protocolVersion as string,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'echo__echo', arguments: { text: 'plain' } },
    }),
  });
  t.is(plain.headers.get('content-type'), 'application/json');
  t.like(await plain.json(), { id: 7, result: { content: [{ type: 'text', text: 'plain' }] } });

  // Another principal presenting the id gets 403 on a process that does not hold it either.
  const stolen = await fetch(`${b.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bob.key}`,
      'mcp-session-id': sessionId,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
  });
  t.is(stolen.status, 403);

  // An unknown id is still a 404 (the client must initialize again).
  const unknown = await fetch(`${b.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${alice.key}`,
      'mcp-session-id': 'no-such-session',
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  t.is(unknown.status, 404);

  // DELETE on B ends it everywhere: a third process will not revive it, and A drops its copy on its next touch.
  await onB.transport.terminateSession();
  await onB.sdk.close();
  const c = await spawnGateway(['--config', config], env);
  t.teardown(async () => void (await c.stop()));
  const onC = await client(c.url, alice.key, sessionId);
  t.teardown(() => onC.sdk.close());
  await t.throwsAsync(onC.sdk.listTools(), { message: /404|not found/i });
  await waitFor(
    async () => {
      try {
        await onA.sdk.listTools();
        return false;
      } catch (error) {
        return /404|not found/i.test((error as Error).message);
      }
    },
    { timeoutMs: 10_000, intervalMs: 300, message: 'A to drop the ended session' },
  );
});

test('without Redis a session stays where it was opened (404 elsewhere)', async (t) => {
  const config = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const [a, b] = await Promise.all([spawnGateway(['--config', config]), spawnGateway(['--config', config])]);
  t.teardown(async () => void (await Promise.all([a.stop(), b.stop()])));
  const onA = await client(a.url, 'unused');
  t.teardown(() => onA.sdk.close());
  const onB = await client(b.url, 'unused', onA.transport.sessionId);
  await t.throwsAsync(onB.sdk.listTools(), { message: /404|not found/i });
});
