// The MCP lane (server/http/mcp-lane.ts) answers POSTs in open sessions without Koa. Through the real server, every
// check the app makes on such a request must still hold, with the app's answers: rate limits, body errors, another
// principal's session, a refused Origin, a wrong key, and requests it leaves to the app (a query string).
import anyTest, { type TestFn } from 'ava';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { openSession, post } from '../helpers/raw-mcp.js';

interface Context {
  gateway: InProcessGateway;
  mcp: string;
  /** One key per test (tests run concurrently; each key has its own bucket). */
  keys: Record<'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'limited', string>;
}
const test = anyTest as TestFn<Context>;

const VERSION = '2025-06-18';
/** Each key's bucket: the rate-limit test spends `limited`'s; the others stay well inside theirs. */
const CAPACITY = 8;

test.before(async (t) => {
  const dataDir = await tempDir('localmcp-lane-');
  const store = new KeyStore(keyFilePath(dataDir));
  const make = async (name: string) => (await store.create({ name, scopes: ['server:*'] })).key;
  const keys = {
    alice: await make('alice'),
    bob: await make('bob'),
    carol: await make('carol'),
    dave: await make('dave'),
    erin: await make('erin'),
    limited: await make('limited'),
  };
  const gateway = await startGateway(
    {
      security: {
        rateLimit: { perKey: { capacity: CAPACITY, refillPerSecond: 0.01 } },
        limits: { maxBodyBytes: 2048 },
      },
      mcpServers: { up: stdioFixtureConfig({ FIXTURE_NAME: 'up' }) },
    },
    { dataDir },
  );
  t.context = { gateway, mcp: `${gateway.url}/mcp`, keys };
});

test.after.always(async (t) => {
  await t.context.gateway?.close();
});

const echo = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'up__echo', arguments: { text } },
});

const sessionHeaders = (key: string, session: string) => ({
  authorization: `Bearer ${key}`,
  'mcp-session-id': session,
  'mcp-protocol-version': VERSION,
});

/** A raw POST whose body is sent as given (not JSON-encoded). */
async function postRaw(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

test('a session call is answered, with the rate limit headers; past the bucket it is 429 with Retry-After', async (t) => {
  const session = await openSession(t.context.mcp, t.context.keys.limited); // initialize + initialized: 2 tokens
  const headers = sessionHeaders(t.context.keys.limited, session);
  const remaining: number[] = [];
  for (let i = 0; i < CAPACITY - 2; i++) {
    const answer = await post(t.context.mcp, echo(i, `call ${i}`), headers);
    if (answer.status !== 200) break;
    t.is(
      (JSON.parse(answer.text) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text,
      `call ${i}`,
    );
    t.is(answer.headers.get('ratelimit-limit'), String(CAPACITY));
    remaining.push(Number(answer.headers.get('ratelimit-remaining')));
  }
  t.is(remaining.length, CAPACITY - 2, 'the bucket had room for these calls');
  t.deepEqual(remaining, [5, 4, 3, 2, 1, 0]);
  const refused = await post(t.context.mcp, echo(99, 'one too many'), headers);
  t.is(refused.status, 429);
  t.true(Number(refused.headers.get('retry-after')) >= 1);
  t.regex((JSON.parse(refused.text) as { error: string }).error, /^rate limit exceeded for key:\w+; retry in \d+ s$/);
});

test('a body the session cannot read: invalid JSON is a parse error (400), too large an invalid request (413)', async (t) => {
  const session = await openSession(t.context.mcp, t.context.keys.alice);
  const headers = sessionHeaders(t.context.keys.alice, session);
  const broken = await postRaw(t.context.mcp, '{"jsonrpc":', headers);
  t.is(broken.status, 400);
  t.like(broken.json, { jsonrpc: '2.0', id: null, error: { code: -32700 } });
  const large = await postRaw(t.context.mcp, JSON.stringify(echo(1, 'x'.repeat(4096))), headers);
  t.is(large.status, 413);
  t.like(large.json, { error: { code: -32600 } });
  // The session is still there and answers.
  t.is((await post(t.context.mcp, echo(2, 'still here'), headers)).status, 200);
});

test('another key presenting the session id is refused (403); a wrong key is 401 with a challenge', async (t) => {
  const session = await openSession(t.context.mcp, t.context.keys.dave);
  const stolen = await post(t.context.mcp, echo(1, 'mine?'), sessionHeaders(t.context.keys.bob, session));
  t.is(stolen.status, 403);
  t.regex(stolen.text, /belongs to another principal/);
  const wrong = await post(t.context.mcp, echo(2, 'who?'), sessionHeaders('lmk_wrong_key', session));
  t.is(wrong.status, 401);
  t.regex(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('a refused Origin is 403 in a session too; a query string is served by the app the same way', async (t) => {
  const session = await openSession(t.context.mcp, t.context.keys.carol);
  const headers = sessionHeaders(t.context.keys.carol, session);
  const foreign = await post(t.context.mcp, echo(1, 'rebinding'), { ...headers, origin: 'http://evil.example' });
  t.is(foreign.status, 403);
  t.is((JSON.parse(foreign.text) as { error: string }).error, 'Origin "http://evil.example" is not allowed');
  const query = await post(`${t.context.mcp}?trace=1`, echo(2, 'with a query'), headers);
  t.is(query.status, 200);
  t.regex(query.text, /with a query/);
});

/** A legacy SSE session opened raw: the `endpoint` it names, its next messages, and a way to close it. */
async function openSse(base: string, key: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/sse`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const nextEvent = async (): Promise<{ event: string; data: string }> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2) ?? '';
        if (field('data')) return { event: field('event') || 'message', data: field('data') };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the SSE stream ended');
      buffer += value;
    }
  };
  const endpoint = await nextEvent();
  return {
    endpoint: new URL(endpoint.data, base).toString(),
    next: async () => JSON.parse((await nextEvent()).data) as Record<string, unknown>,
    close: () => controller.abort(),
  };
}

test('a legacy SSE session POSTs through the same checks: answered on the stream, another key 403, bad JSON 400', async (t) => {
  const { erin, bob } = t.context.keys;
  const sse = await openSse(t.context.gateway.url, erin);
  t.teardown(() => sse.close());
  t.regex(sse.endpoint, /\/messages\?sessionId=[0-9a-f-]+$/);
  const postAs = (key: string, body: string) =>
    fetch(sse.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
  const initialize = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
  };
  t.is((await postAs(erin, JSON.stringify(initialize))).status, 202);
  t.like(await sse.next(), { id: 0, result: { serverInfo: { name: 'localmcp' } } });
  t.is((await postAs(erin, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }))).status, 202);
  t.is((await postAs(erin, JSON.stringify(echo(1, 'over sse')))).status, 202);
  t.like(await sse.next(), { id: 1, result: { content: [{ type: 'text', text: 'over sse' }] } });

  const stolen = await postAs(bob, JSON.stringify(echo(2, 'mine?')));
  t.is(stolen.status, 403);
  t.regex(await stolen.text(), /belongs to another principal/);
  const broken = await postAs(erin, '{"jsonrpc":');
  t.is(broken.status, 400);
  t.like(await broken.json(), { jsonrpc: '2.0', id: null, error: { code: -32700 } });
  // Still open and answering.
  t.is((await postAs(erin, JSON.stringify(echo(3, 'again')))).status, 202);
  t.like(await sse.next(), { id: 3, result: { content: [{ type: 'text', text: 'again' }] } });
});
