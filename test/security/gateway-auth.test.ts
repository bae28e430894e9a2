// Authentication wired into the real gateway: the static token, API keys from <dataDir>/keys.json and JWTs, each
// through the real SDK client; wrong, missing, expired and revoked credentials; the RFC 9728 document; the admin
// API's `admin` scope; sessions bound to their principal; DNS rebinding and oversize bodies refused.
import { request } from 'node:http';
import anyTest, { type TestFn } from 'ava';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir, type InProcessGateway } from '../helpers/gateway.js';
import { connectAs, INITIALIZE, JWT_CONFIG, postJson, signJwt } from '../helpers/secure.js';

interface Context {
  gateway: InProcessGateway;
  keys: KeyStore;
  full: string;
  admin: string;
  revoked: string;
}
const test = anyTest as TestFn<Context>;

const TOKEN = 'static-gateway-token-for-tests';

test.before(async (t) => {
  const dataDir = await tempDir('localmcp-auth-data-');
  const keys = new KeyStore(keyFilePath(dataDir));
  const full = (await keys.create({ name: 'alpha user', scopes: ['server:alpha'] })).key;
  const admin = (await keys.create({ name: 'operator', scopes: ['admin'] })).key;
  const revoked = (await keys.create({ name: 'old', scopes: ['server:*'] })).key;
  await keys.revoke(revoked);
  const gateway = await startGateway(
    {
      gateway: { token: TOKEN },
      security: {
        auth: { jwt: JWT_CONFIG, resourceMetadata: { authorizationServers: ['https://auth.example.com'] } },
        limits: { maxBodyBytes: 4096 },
      },
      mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) },
    },
    { dataDir },
  );
  t.context = { gateway, keys, full, admin, revoked };
});

test.after.always(async (t) => {
  await t.context.gateway?.close();
});

const mcp = (t: { context: Context }) => `${t.context.gateway.url}/mcp`;

test('a missing token is 401 with a challenge naming the resource metadata', async (t) => {
  const response = await postJson(mcp(t), INITIALIZE);
  t.is(response.status, 401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  t.regex(challenge, /^Bearer realm="localmcp"/);
  t.notRegex(challenge, /error=/, 'no error code without credentials (RFC 6750 section 3.1)');
  t.true(challenge.includes(`resource_metadata="${t.context.gateway.url}/.well-known/oauth-protected-resource/mcp"`));
  t.regex(((await response.json()) as { error: string }).error, /authentication required/);
  // Every route but the metadata: health included, as with the token guard before.
  t.is((await fetch(`${t.context.gateway.url}/readyz`)).status, 401);
});

test('a wrong token, a wrong API key and a revoked key are 401 invalid_token', async (t) => {
  const fake = `lmk_${'0'.repeat(12)}_${'a'.repeat(64)}`;
  for (const [token, message] of [
    ['not-the-token', /invalid bearer token/],
    [fake, /invalid API key/],
    [t.context.revoked, /was revoked/],
  ] as const) {
    const response = await postJson(mcp(t), INITIALIZE, token);
    t.is(response.status, 401, token);
    t.regex(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    t.regex(((await response.json()) as { error: string }).error, message);
  }
  const malformed = await postJson(mcp(t), INITIALIZE, undefined, { authorization: 'Basic dXNlcjpwYXNz' });
  t.is(malformed.status, 400);
});

test('an expired JWT is 401 saying it expired; a valid one connects', async (t) => {
  const expired = await signJwt('bob', 'server:alpha', -3600);
  const response = await postJson(mcp(t), INITIALIZE, expired);
  t.is(response.status, 401);
  t.regex(((await response.json()) as { error: string }).error, /expired/);
  t.regex(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

  const client = await connectAs(t.context.gateway.url, await signJwt('bob', 'server:alpha'));
  const tools = (await client.listTools()).tools.map((tool) => tool.name);
  t.true(tools.includes('alpha__echo'));
  await client.close();
});

test('the static token, an API key and SSE with a key all reach the tools', async (t) => {
  for (const [token, path] of [
    [TOKEN, '/mcp'],
    [t.context.full, '/mcp'],
    [t.context.full, '/sse'],
  ] as const) {
    const client = await connectAs(t.context.gateway.url, token, path);
    const result = await client.callTool({ name: 'alpha__echo', arguments: { text: 'hi' } });
    t.is(firstText(result), 'hi', path);
    await client.close();
  }
});

test('RFC 9728 metadata is served without a token', async (t) => {
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    const response = await fetch(`${t.context.gateway.url}${path}`);
    t.is(response.status, 200, path);
    const body = (await response.json()) as Record<string, unknown>;
    t.is(body.resource, `${t.context.gateway.url}/mcp`);
    t.deepEqual(body.authorization_servers, ['https://auth.example.com']);
    t.deepEqual(body.bearer_methods_supported, ['header']);
    t.true((body.scopes_supported as string[]).includes('server:alpha'));
  }
});

test('the admin API takes a key with the admin scope and refuses one without it', async (t) => {
  const status = `${t.context.gateway.url}/api/v1/status`;
  const ok = await fetch(status, { headers: { authorization: `Bearer ${t.context.admin}` } });
  t.is(ok.status, 200);
  const refused = await fetch(status, { headers: { authorization: `Bearer ${t.context.full}` } });
  t.is(refused.status, 403);
  t.regex(refused.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="admin"/);
  // The MCP token on loopback still opens it, as before.
  t.is((await fetch(status, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
});

test('a session opened by one principal is refused to another', async (t) => {
  const opened = await postJson(mcp(t), INITIALIZE, t.context.full);
  t.is(opened.status, 200);
  const session = opened.headers.get('mcp-session-id')!;
  t.truthy(session);
  await opened.body?.cancel();
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
  const other = await postJson(mcp(t), list, TOKEN, {
    'mcp-session-id': session,
    'mcp-protocol-version': '2025-03-26',
  });
  t.is(other.status, 403);
  t.regex(((await other.json()) as { error: { message: string } }).error.message, /another principal/);
  const same = await postJson(mcp(t), list, t.context.full, {
    'mcp-session-id': session,
    'mcp-protocol-version': '2025-03-26',
  });
  t.is(same.status, 200);
  await same.body?.cancel();
});

test('a DNS-rebinding Origin and Host are refused before authentication', async (t) => {
  const origin = await postJson(mcp(t), INITIALIZE, TOKEN, { origin: 'http://evil.example' });
  t.is(origin.status, 403);
  t.regex(((await origin.json()) as { error: string }).error, /Origin "http:\/\/evil.example" is not allowed/);
  // fetch sets Host itself; node:http sends what it is given, as a rebinding browser would.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = request(mcp(t), {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
    });
    req.on('response', (res) => (res.resume(), resolve(res.statusCode)));
    req.on('error', reject);
    req.end(JSON.stringify(INITIALIZE));
  });
  t.is(status, 403);
});

test('a body over security.limits.maxBodyBytes is 413', async (t) => {
  const big = { ...INITIALIZE, params: { ...INITIALIZE.params, padding: 'x'.repeat(8192) } };
  const response = await postJson(mcp(t), big, TOKEN);
  t.is(response.status, 413);
  t.regex(((await response.json()) as { error: { message: string } }).error.message, /larger than 4096 bytes/);
});

test('keys: auto turns authentication on as soon as a key exists, without a restart', async (t) => {
  const dataDir = await tempDir('localmcp-auto-');
  const gateway = await startGateway(
    { mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) } },
    { dataDir },
  );
  try {
    const open = await postJson(`${gateway.url}/mcp`, INITIALIZE);
    t.is(open.status, 200, 'no key yet: open, as a gateway without auth always was');
    await open.body?.cancel();
    const { key } = await new KeyStore(keyFilePath(dataDir)).create({ name: 'first', scopes: ['server:*'] });
    t.is((await postJson(`${gateway.url}/mcp`, INITIALIZE)).status, 401);
    const client = await connectAs(gateway.url, key);
    t.truthy((await client.listTools()).tools.length);
    await client.close();
  } finally {
    await gateway.close();
  }
});
