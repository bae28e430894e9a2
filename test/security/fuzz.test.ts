// A seeded, reproducible fuzz of every HTTP endpoint of a real gateway: malformed and random JSON-RPC, wrong
// content types, huge ids, nested junk, bad session ids, random headers and methods, oversize bodies. The
// gateway must keep serving: no 5xx, no connection reset, no hang, and a real MCP call answered every
// CHECK_EVERY requests and at the end. FUZZ_SEED and FUZZ_REQUESTS reproduce or extend a run.
import { Agent, request } from 'node:http';
import anyTest, { type TestFn } from 'ava';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { connectAs, INITIALIZE } from '../helpers/secure.js';
import { mulberry32 } from '../../server/util/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 12;
const CHECK_EVERY = 500;
const MAX_BODY = 16 * 1024;
const TOKEN = 'fuzz-static-token';

interface Context {
  gateway: InProcessGateway;
  key: string;
  /** Makes the real calls that show the gateway still serves. */
  client: Client;
  /** Owns the Streamable HTTP session the fuzz aims at (which the fuzz may well end). */
  target: Client;
  sse: Client;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  const dataDir = await tempDir('localmcp-fuzz-');
  const { key } = await new KeyStore(keyFilePath(dataDir)).create({ name: 'fuzz', scopes: ['server:alpha'] });
  const gateway = await startGateway(
    {
      gateway: { token: TOKEN, sessionIdleMs: 120_000 },
      // A bucket large enough that the fuzz is not all 429s, small enough that some requests meet it.
      security: { limits: { maxBodyBytes: MAX_BODY }, rateLimit: { perKey: { capacity: 200, refillPerSecond: 50 } } },
      mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) },
    },
    { dataDir },
  );
  const client = await connectAs(gateway.url, TOKEN);
  const target = await connectAs(gateway.url, TOKEN);
  const sse = await connectAs(gateway.url, TOKEN, '/sse');
  t.context = { gateway, key, client, target, sse };
});

test.after.always(async (t) => {
  await t.context.client?.close();
  await t.context.target?.close().catch(() => undefined);
  await t.context.sse?.close();
  await t.context.gateway?.close();
});

/** Seeded choices (mulberry32): the same cases on every machine. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const JUNK_STRINGS = [
  '',
  ' ',
  'null',
  '\u0000',
  '\u202e\u200b',
  '💥'.repeat(50),
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE tools; --",
  '%s%n%x',
  'a'.repeat(5000),
  '__proto__',
  'constructor',
];

function junk(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 4 ? 6 : 9);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, Number.MAX_SAFE_INTEGER, 1e-300]);
    case 3:
      return rng.pick(JUNK_STRINGS);
    case 4:
      return String.fromCharCode(...Array.from({ length: rng.int(40) }, () => rng.int(0xffff)));
    case 5:
      return rng.int(1_000_000);
    case 6:
      return Array.from({ length: rng.int(6) }, () => junk(rng, depth + 1));
    case 7: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(6); i > 0; i--)
        out[rng.pick(['a', 'name', 'arguments', '__proto__', 'uri', 'text', 'x'])] = junk(rng, depth + 1);
      return out;
    }
    default: {
      // Deep nesting: a parser or validator that recurses must not blow the stack.
      let value: unknown = 1;
      for (let i = rng.int(2000); i > 0; i--) value = rng.chance(0.5) ? [value] : { v: value };
      return value;
    }
  }
}

const METHODS = [
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'completion/complete',
  'logging/setLevel',
  'notifications/initialized',
  'notifications/cancelled',
  'sampling/createMessage',
  'nope/nothing',
  '',
];
const TOOLS = [
  'alpha__echo',
  'alpha__add',
  'alpha__fail',
  'alpha__pid',
  'search_tools',
  'call_tool',
  'list_servers',
  'x',
];

function jsonRpc(rng: Rng): unknown {
  const method = rng.pick(METHODS);
  const id = rng.pick<unknown>([1, 0, -1, 'id', null, 2 ** 64, '9'.repeat(400), {}, [], 1.5, undefined]);
  let params: unknown = junk(rng);
  if (method === 'tools/call' && rng.chance(0.7)) {
    params = {
      name: rng.pick(TOOLS),
      arguments: rng.chance(0.3) ? { text: 'fuzz', a: 1, b: 2, query: 'echo' } : junk(rng),
    };
  } else if (method === 'initialize' && rng.chance(0.5)) {
    params = { ...INITIALIZE.params, protocolVersion: rng.pick(['2025-03-26', '2024-11-05', 'garbage', '']) };
  }
  const message: Record<string, unknown> = { jsonrpc: rng.chance(0.9) ? '2.0' : junk(rng), method, params };
  if (id !== undefined) message.id = id;
  if (rng.chance(0.05)) delete message.method;
  return rng.chance(0.08) ? Array.from({ length: rng.int(5) }, () => (rng.chance(0.5) ? message : junk(rng))) : message;
}

const PATHS = [
  '/mcp',
  '/mcp/all',
  '/mcp/discovery',
  '/mcp/hybrid',
  '/sse',
  '/sse/discovery',
  '/messages',
  '/healthz',
  '/readyz',
  '/api/v1/status',
  '/api/v1/breakers',
  '/api/v1/breakers/reset',
  '/api/v1/nothing',
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-protected-resource/mcp',
  '/',
  '/mcp/../api/v1/status',
  '/%2e%2e/%00',
  '/mcp?x=' + 'y'.repeat(2000),
];
// CONNECT and upgrades are left out: Node's server hands them to 'connect'/'upgrade' listeners (the gateway has
// none, so Node closes the socket by design), which is not the gateway's request handling.
const HTTP_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE'];

interface Shot {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function shot(rng: Rng, sessions: { mcp: string; sse: string }, key: string): Shot {
  const headers: Record<string, string> = {};
  const auth = rng.next();
  if (auth < 0.6) headers.authorization = `Bearer ${TOKEN}`;
  else if (auth < 0.8) headers.authorization = `Bearer ${key}`;
  else if (auth < 0.9)
    headers.authorization = rng.pick([
      'Bearer',
      'Bearer x',
      'Basic Zm9vOmJhcg==',
      `Bearer lmk_${'z'.repeat(80)}`,
      'Bearer a.b.c',
      `Bearer ${'e'.repeat(4000)}`,
    ]);
  const kind = rng.int(10);
  let path = rng.pick(PATHS);
  let method = 'POST';
  let body: Buffer | undefined;
  if (kind <= 4) {
    // JSON-RPC to an MCP endpoint, with or without a (good or bad) session.
    path = rng.pick(['/mcp', '/mcp/all', '/mcp/discovery', '/mcp/hybrid']);
    body = Buffer.from(JSON.stringify(jsonRpc(rng)) ?? 'null');
    headers['content-type'] = rng.chance(0.9)
      ? 'application/json'
      : rng.pick(['text/plain', 'application/xml', '', 'multipart/form-data; boundary=x']);
    headers.accept = rng.chance(0.85) ? 'application/json, text/event-stream' : rng.pick(['*/*', 'text/html', '']);
    const session = rng.next();
    if (session < 0.5) headers['mcp-session-id'] = sessions.mcp;
    else if (session < 0.7) headers['mcp-session-id'] = rng.pick([crypto.randomUUID(), 'x', '0'.repeat(300), '../']);
    if (rng.chance(0.5)) headers['mcp-protocol-version'] = rng.pick(['2025-03-26', '2024-11-05', 'junk']);
  } else if (kind === 5) {
    // Malformed JSON and bytes.
    path = rng.pick(['/mcp', '/mcp/discovery', '/messages', '/api/v1/breakers/reset']);
    const text = JSON.stringify(jsonRpc(rng)) ?? '{';
    body = rng.chance(0.5)
      ? Buffer.from(text.slice(0, rng.int(text.length)))
      : Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256)));
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
    if (path === '/messages') path += `?sessionId=${rng.chance(0.5) ? sessions.sse : 'nope'}`;
  } else if (kind === 6) {
    // Oversize: just over the limit, declared honestly or streamed with no length.
    path = rng.pick(['/mcp', '/messages', '/api/v1/breakers/reset']);
    body = Buffer.alloc(MAX_BODY + 1 + rng.int(4096), 0x20);
    body.write('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"');
    body.write('"}}', body.length - 3);
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json, text/event-stream';
  } else if (kind === 7) {
    // Legacy SSE messages with good and bad session ids.
    path = `/messages?sessionId=${rng.pick([sessions.sse, 'nope', '', crypto.randomUUID()])}`;
    body = Buffer.from(JSON.stringify(jsonRpc(rng)) ?? 'null');
    headers['content-type'] = 'application/json';
  } else {
    // Any method on any path, random headers, maybe a body.
    method = rng.pick(HTTP_METHODS);
    if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.5)) body = Buffer.from(JSON.stringify(junk(rng)) ?? '');
    if (rng.chance(0.3)) headers['content-type'] = rng.pick(['application/json', 'text/plain', 'x/y']);
  }
  if (rng.chance(0.05)) headers.origin = rng.pick(['http://evil.example', 'null', 'http://127.0.0.1', '::::']);
  if (rng.chance(0.05))
    headers['x-' + rng.int(1000)] = (JSON.stringify(junk(rng)) ?? 'x').slice(0, 200).replace(/[^\x20-\x7e]/g, '?');
  if (rng.chance(0.03)) headers['accept-encoding'] = rng.pick(['gzip', 'br', 'identity;q=0', 'junk']);
  return { method, path, headers, body };
}

interface Outcome {
  status?: number;
  error?: string;
}

function send(agent: Agent, base: URL, s: Shot): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      { host: base.hostname, port: base.port, method: s.method, path: s.path, headers: s.headers, agent },
      (res) => {
        const status = res.statusCode;
        const streaming = (res.headers['content-type'] ?? '').includes('text/event-stream');
        if (streaming && s.method === 'GET') {
          // A GET stream (SSE, or /mcp's standalone stream) stays open by design: its status is the answer.
          res.destroy();
          req.destroy();
          return resolve({ status });
        }
        const timer = setTimeout(() => {
          res.destroy();
          resolve({ status, error: 'timeout reading the body' });
        }, 10_000);
        res.on('data', () => undefined);
        res.on('end', () => (clearTimeout(timer), resolve({ status })));
        res.on('error', (error) => (clearTimeout(timer), resolve({ status, error: error.message })));
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(s.body);
  });
}

test('≥ 10,000 seeded malformed and random requests: no 5xx, no reset, no hang, and real calls keep working', async (t) => {
  t.timeout(180_000);
  const { gateway, client, key } = t.context;
  const base = new URL(gateway.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // A real session for the fuzz to aim at: the Streamable HTTP client's, and the SSE client's.
  const mcpSession = (t.context.target.transport as unknown as { sessionId: string }).sessionId;
  const sseSession = new URL((t.context.sse.transport as unknown as { _endpoint: URL })._endpoint).searchParams.get(
    'sessionId',
  )!;
  t.truthy(mcpSession);
  t.truthy(sseSession);

  const rng = prng(SEED);
  const shots = Array.from({ length: REQUESTS }, () => shot(rng, { mcp: mcpSession, sse: sseSession }, key));
  const byStatus = new Map<string, number>();
  const failures: string[] = [];
  let done = 0;
  let checks = 0;
  const started = Date.now();
  const check = async (label: string) => {
    const result = await client.callTool({ name: 'alpha__echo', arguments: { text: `alive ${label}` } });
    if (firstText(result) !== `alive ${label}`) failures.push(`real call ${label} answered ${JSON.stringify(result)}`);
    checks++;
  };

  let next = 0;
  const worker = async () => {
    while (next < shots.length) {
      const index = next++;
      const s = shots[index]!;
      const outcome = await send(agent, base, s);
      const label = outcome.error ? `error:${outcome.error}` : String(outcome.status);
      byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
      if (outcome.error || (outcome.status ?? 0) >= 500) {
        failures.push(`#${index} ${s.method} ${s.path.slice(0, 60)} -> ${label}`);
      }
      done++;
      if (done % CHECK_EVERY === 0) {
        await check(String(done));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await check('end');
  agent.destroy();

  const health = await fetch(`${gateway.url}/healthz`, { headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(health.status, 200);
  const counts = Object.fromEntries([...byStatus].sort(([a], [b]) => a.localeCompare(b)));
  t.log(`seed ${SEED}: ${done} requests in ${Date.now() - started} ms, ${checks} real calls answered`);
  t.log(`by status: ${JSON.stringify(counts)}`);
  t.true(done >= 10_000 || REQUESTS < 10_000);
  t.deepEqual(failures.slice(0, 20), [], `${failures.length} failures`);
  t.is(checks, Math.floor(done / CHECK_EVERY) + 1);
});
