import path from 'node:path';
import test from 'ava';
import { GatewayConfigSchema, ServerConfigSchema } from '../../server/config/schema.js';
import { loadConfig, parseConfig, toUpstreams } from '../../server/config/load.js';
import { tempDir } from './temp-dir.js';

const FULL = `
gateway:
  host: 0.0.0.0
  port: 8080
  token: secret-token
  separator: "."
  stateless: true
  sessionIdleMs: 60000
  shutdownGraceMs: 2000
  allowedOrigins: [https://app.example.com]
  allowedHosts: [gateway.internal]
plugins:
  required: [search:hnsw]
  disabled: [breaker:default]
  options:
    search:hnsw: { m: 16 }
mcpServers:
  github:
    command: npx
    args: [-y, "@modelcontextprotocol/server-github"]
    env: { GITHUB_TOKEN: abc, RETRIES: 3 }
    cwd: ./work
    namespace: gh
    description: GitHub issues and PRs
    tools:
      allow: ["issue_*", "get_*"]
      deny: ["*_delete"]
    timeouts: { connectMs: 5000, requestMs: 15000 }
    restart: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3 }
  docs:
    url: http://localhost:9000/mcp
    enabled: false
`;

test('a localmcp.yaml with every gateway field, globs and timeouts is read as written', async (t) => {
  const dir = await tempDir(t, { 'localmcp.yaml': FULL });
  const loaded = await loadConfig({ cwd: dir, env: {} });

  t.is(loaded.file, path.join(dir, 'localmcp.yaml'));
  t.deepEqual(loaded.warnings, []);
  t.deepEqual(loaded.config.gateway, {
    host: '0.0.0.0',
    port: 8080,
    token: 'secret-token',
    separator: '.',
    stateless: true,
    sessionIdleMs: 60_000,
    shutdownGraceMs: 2000,
    allowedOrigins: ['https://app.example.com'],
    allowedHosts: ['gateway.internal'],
  });
  t.deepEqual(loaded.config.plugins, {
    required: ['search:hnsw'],
    disabled: ['breaker:default'],
    options: { 'search:hnsw': { m: 16 } },
  });
  const [github, docs] = loaded.upstreams;
  t.deepEqual(github, {
    name: 'github',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-github'],
    env: { GITHUB_TOKEN: 'abc', RETRIES: '3' },
    cwd: path.join(dir, 'work'),
    headers: {},
    enabled: true,
    namespace: 'gh',
    description: 'GitHub issues and PRs',
    tools: { allow: ['issue_*', 'get_*'], deny: ['*_delete'] },
    timeouts: { connectMs: 5000, requestMs: 15_000 },
    restart: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 3 },
  });
  t.like(docs, { transport: 'http', url: 'http://localhost:9000/mcp', enabled: false });
});

test('defaults fill an empty config and a minimal server', (t) => {
  const loaded = parseConfig({ mcpServers: { 'my.server': { command: 'srv' } } }, { env: {} });
  t.deepEqual(loaded.config.gateway, {
    host: '127.0.0.1',
    port: 7420,
    separator: '__',
    stateless: false,
    sessionIdleMs: 1_800_000,
    shutdownGraceMs: 10_000,
    allowedOrigins: [],
    allowedHosts: [],
  });
  t.deepEqual(loaded.config.plugins, { required: [], disabled: [], options: {} });
  t.deepEqual(loaded.upstreams[0], {
    name: 'my.server',
    transport: 'stdio',
    command: 'srv',
    args: [],
    env: {},
    headers: {},
    enabled: true,
    namespace: 'my_server',
    tools: { deny: [] },
    timeouts: { connectMs: 30_000, requestMs: 60_000 },
    restart: { initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 10 },
  });
});

test('no config file found => file undefined, all defaults, no upstreams', async (t) => {
  const dir = await tempDir(t);
  const loaded = await loadConfig({ cwd: dir, env: {} });
  t.is(loaded.file, undefined);
  t.deepEqual(loaded.upstreams, []);
  t.deepEqual(loaded.config, GatewayConfigSchema.parse({}));
  t.is(loaded.config.gateway.port, 7420);
});

test('localmcp.yml is preferred over localmcp.json, and LOCALMCP_CONFIG over both', async (t) => {
  const dir = await tempDir(t, {
    'localmcp.yml': 'gateway: { port: 1111 }',
    'localmcp.json': '{ "gateway": { "port": 2222 } }',
    'other/custom.yaml': 'gateway: { port: 3333 }',
  });
  t.is((await loadConfig({ cwd: dir, env: {} })).config.gateway.port, 1111);
  const viaEnv = await loadConfig({ cwd: dir, env: { LOCALMCP_CONFIG: 'other/custom.yaml' } });
  t.is(viaEnv.file, path.join(dir, 'other', 'custom.yaml'));
  t.is(viaEnv.config.gateway.port, 3333);
});

test('every spelling of type maps to a transport; no type means stdio for command, http for url', (t) => {
  const transport = (server: object) =>
    toUpstreams(GatewayConfigSchema.parse({ mcpServers: { s: server } }))[0]?.transport;
  const url = 'https://example.com/mcp';
  t.is(transport({ command: 'x' }), 'stdio');
  t.is(transport({ type: 'stdio', command: 'x' }), 'stdio');
  t.is(transport({ url }), 'http');
  for (const type of ['http', 'streamable-http', 'streamableHttp', 'streamable_http']) {
    t.is(transport({ type, url }), 'http', type);
  }
  t.is(transport({ type: 'sse', url }), 'sse');
  t.false(ServerConfigSchema.safeParse({ type: 'websocket', url }).success);
});

test('~ in an explicit path and in a server cwd expands to the home directory', async (t) => {
  const home = await tempDir(t, { 'cfg/localmcp.yaml': 'mcpServers: { a: { command: x, cwd: "~/projects" } }' });
  const loaded = await loadConfig({ path: '~/cfg/localmcp.yaml', env: { HOME: home } });
  t.is(loaded.file, path.join(home, 'cfg', 'localmcp.yaml'));
  t.is(loaded.upstreams[0]?.cwd, path.join(home, 'projects'));
});

test('servers and mcpServers are merged', (t) => {
  const loaded = parseConfig({ mcpServers: { a: { command: 'a' } }, servers: { b: { command: 'b' } } }, { env: {} });
  t.deepEqual(
    loaded.upstreams.map((u) => u.name),
    ['a', 'b'],
  );
  t.false('servers' in loaded.config);
});
