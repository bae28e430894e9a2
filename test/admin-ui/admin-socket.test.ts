// The admin panel's server side without a browser: the Socket.IO handshake (no token, no data and no event), the
// panel's static files with the SPA fallback, and the /api/v1 endpoints it uses, against a real gateway.
import test from 'ava';
import { io, type Socket } from 'socket.io-client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  AdminClientToServer,
  AdminServerToClient,
  ConfigView,
  Overview,
  RequestRecord,
  ServerDetail,
  ToolCallOutcome,
} from '../../server/http/admin-events.js';
import { findAdminUiDir } from '../../server/http/admin-static.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, type InProcessGateway } from '../helpers/gateway.js';
import { delay, waitFor } from '../helpers/wait.js';

const ADMIN_TOKEN = 'admin-socket-test-token';
type AdminClient = Socket<AdminServerToClient, AdminClientToServer>;

function connectSocket(url: string, auth: Record<string, string>, headers: Record<string, string> = {}): AdminClient {
  return io(url, {
    path: '/admin/socket.io',
    auth,
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: headers,
    forceNew: true,
  });
}

/** Resolves with 'connected', or the connect_error's message. */
function outcome(socket: AdminClient): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

/** Every event the socket receives, by name. */
function recordEvents(socket: AdminClient): string[] {
  const seen: string[] = [];
  socket.onAny((event: string) => seen.push(event));
  return seen;
}

async function callThroughMcp(gw: InProcessGateway, name: string, args: Record<string, unknown>) {
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  try {
    return await client.callTool({ name, arguments: args });
  } finally {
    await client.close();
  }
}

/** `token` '' sends none. */
const api = (gw: InProcessGateway, path: string, init: RequestInit = {}, token = ADMIN_TOKEN) =>
  fetch(`${gw.url}/api/v1${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });

test('with an admin token: no token or a wrong one gets no admin data and no admin event', async (t) => {
  const gw = await startGateway({
    gateway: { adminToken: ADMIN_TOKEN },
    mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) },
  });
  t.teardown(() => gw.close());

  const anonymous = connectSocket(gw.url, {});
  const wrong = connectSocket(gw.url, { token: 'not-the-token' });
  const admin = connectSocket(gw.url, { token: ADMIN_TOKEN });
  t.teardown(() => [anonymous, wrong, admin].forEach((s) => s.disconnect()));
  const anonymousEvents = recordEvents(anonymous);
  const wrongEvents = recordEvents(wrong);
  const adminEvents = recordEvents(admin);
  const requests: RequestRecord[] = [];
  admin.on('request', (record) => requests.push(record));

  t.is(await outcome(anonymous), 'missing admin token');
  t.is(await outcome(wrong), 'invalid admin token');
  t.is(await outcome(admin), 'connected');

  // Activity that produces admin events: a tool call (request) and a restart (upstream:state).
  t.is(firstText(await callThroughMcp(gw, 'alpha__echo', { text: 'hello' })), 'hello');
  t.is((await api(gw, '/servers/alpha/restart', { method: 'POST' })).status, 200);
  await waitFor(() => requests.length > 0 && adminEvents.includes('upstream:state'), { message: 'admin events' });
  await delay(300);

  t.deepEqual(anonymousEvents, [], 'a socket without the token received nothing');
  t.deepEqual(wrongEvents, []);
  t.false(anonymous.connected);
  t.like(requests[0], { name: 'alpha__echo', server: 'alpha', tool: 'echo', status: 'ok', principal: 'anonymous' });
  t.true(adminEvents.includes('overview'), 'the admin socket got its overview on connect');

  // The HTTP side agrees: no data without the token.
  for (const path of ['/overview', '/servers', '/tools', '/requests', '/config', '/plugins', '/llm']) {
    const response = await api(gw, path, {}, '');
    t.is(response.status, 401, path);
    t.false(JSON.stringify(await response.json()).includes('alpha'), `${path} leaks nothing`);
  }
  t.is((await api(gw, '/tools/call', { method: 'POST', body: '{"name":"alpha__echo"}' }, 'wrong')).status, 401);
});

test('a page on another origin cannot open the admin socket, even on loopback without a token', async (t) => {
  const gw = await startGateway({ mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) } });
  t.teardown(() => gw.close());
  const evil = connectSocket(gw.url, {}, { origin: 'http://evil.example' });
  const same = connectSocket(gw.url, {}, { origin: gw.url });
  t.teardown(() => [evil, same].forEach((s) => s.disconnect()));
  const evilEvents = recordEvents(evil);
  t.not(await outcome(evil), 'connected');
  t.is(await outcome(same), 'connected', 'without an admin token, loopback is enough');
  const overview = await new Promise<Overview>((resolve) => same.emit('overview', resolve));
  t.deepEqual(
    overview.upstreams.map((u) => [u.name, u.state]),
    [['alpha', 'ready']],
  );
  t.deepEqual(evilEvents, []);
});

test('the panel is served at /admin with a fallback to index.html for its routes', async (t) => {
  t.truthy(findAdminUiDir(), 'the panel is built (npm run build)');
  const gw = await startGateway({ gateway: { adminToken: ADMIN_TOKEN }, mcpServers: {} });
  t.teardown(() => gw.close());
  const page = await fetch(`${gw.url}/admin/`);
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /text\/html/);
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await page.text();
  const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  t.truthy(script, 'index.html loads a hashed bundle under /admin/assets/');
  const asset = await fetch(`${gw.url}${script}`);
  t.is(asset.status, 200);
  t.regex(asset.headers.get('cache-control') ?? '', /immutable/);
  await asset.arrayBuffer();

  for (const route of ['/admin', '/admin/servers', '/admin/tools/alpha__echo']) {
    const response = await fetch(`${gw.url}${route}`);
    t.is(response.status, 200, route);
    t.is(await response.text(), html, `${route} is the app`);
  }
  t.is((await fetch(`${gw.url}/admin/assets/missing.js`)).status, 404);
  t.is((await fetch(`${gw.url}/admin/..%2f..%2fpackage.json`)).status, 404);
  t.is((await fetch(`${gw.url}/admin/`, { method: 'POST' })).status, 405);
});

test('servers: disable, enable and restart; their stderr tail and tools', async (t) => {
  const gw = await startGateway({
    gateway: { adminToken: ADMIN_TOKEN },
    mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) },
  });
  t.teardown(() => gw.close());

  const detail = (await (await api(gw, '/servers/alpha')).json()) as ServerDetail;
  t.is(detail.state, 'ready');
  t.true(detail.enabled);
  t.true(detail.tools.some((tool) => tool.name === 'alpha__echo' && tool.tool === 'echo'));
  t.true(Array.isArray(detail.stderrTail));

  const disabled = await api(gw, '/servers/alpha/disable', { method: 'POST' });
  t.like(await disabled.json(), { action: 'disable', server: { state: 'disabled', enabled: false, toolCount: 0 } });
  t.is(gw.gateway.catalog.listTools().length, 0, 'its tools left the catalog');
  t.is((await api(gw, '/servers/alpha/restart', { method: 'POST' })).status, 409, 'a disabled server is not restarted');

  const enabled = await api(gw, '/servers/alpha/enable', { method: 'POST' });
  t.like(await enabled.json(), { action: 'enable', server: { state: 'ready', enabled: true } });
  t.true(gw.gateway.catalog.listTools().some((tool) => tool.publicName === 'alpha__echo'));

  const pid = gw.gateway.upstreams.get('alpha')!.status().pid;
  const restarted = (await (await api(gw, '/servers/alpha/restart', { method: 'POST' })).json()) as {
    server: { state: string; pid: number; restarts: number };
  };
  t.is(restarted.server.state, 'ready');
  t.not(restarted.server.pid, pid, 'a new process');
  t.is((await api(gw, '/servers/nope/restart', { method: 'POST' })).status, 404);
});

test('tools: search with scores and reasons, a call with its result, and the request log', async (t) => {
  const gw = await startGateway({
    gateway: { adminToken: ADMIN_TOKEN },
    mcpServers: {
      alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha', SECRET_TOKEN: 'do-not-show-this' }),
      // Never started: only its config is shown.
      remote: { url: 'http://127.0.0.1:9/mcp', headers: { 'X-Team': 'header-value-to-hide' }, enabled: false },
    },
  });
  t.teardown(() => gw.close());

  const search = (await (await api(gw, '/tools/search?q=add%20two%20numbers&limit=3')).json()) as {
    results: Array<{ name: string; score: number; reason: string }>;
  };
  t.is(search.results[0]?.name, 'alpha__add');
  t.true(search.results[0]!.score > 0);
  t.regex(search.results[0]!.reason, /matches/);

  const call = await api(gw, '/tools/call', {
    method: 'POST',
    body: JSON.stringify({ name: 'alpha__add', arguments: { a: 2, b: 3 } }),
  });
  t.is(call.status, 200);
  const result = (await call.json()) as ToolCallOutcome;
  t.deepEqual(result.result?.content, [{ type: 'text', text: '5' }]);

  const invalid = await api(gw, '/tools/call', {
    method: 'POST',
    body: JSON.stringify({ name: 'alpha__add', arguments: { a: 'two' } }),
  });
  t.is(invalid.status, 400);
  t.like(await invalid.json(), { error: { code: 'INVALID_ARGUMENTS' } });
  t.is(
    (await api(gw, '/tools/call', { method: 'POST', body: JSON.stringify({ name: 'nope', arguments: {} }) })).status,
    404,
  );

  const log = (await (await api(gw, '/requests?server=alpha')).json()) as { requests: RequestRecord[] };
  t.is(log.requests.length, 1, 'the invalid call never reached the router');
  t.like(log.requests[0], { name: 'alpha__add', status: 'ok', principal: 'admin-ui' });
  t.deepEqual((await (await api(gw, '/requests?status=error')).json()) as object, { requests: [] });

  t.like(await (await api(gw, '/llm')).json(), { configured: false, providers: [] }, 'no llm section');

  const config = (await (await api(gw, '/config')).json()) as ConfigView;
  const text = JSON.stringify(config);
  t.false(text.includes(ADMIN_TOKEN), 'the admin token is masked');
  t.false(text.includes('do-not-show-this'), 'env values are masked');
  t.false(text.includes('header-value-to-hide'), 'header values are masked');
  t.true(text.includes('X-Team'), 'their names are not');
  t.true(text.includes('[redacted]'));
});
