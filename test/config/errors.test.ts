import path from 'node:path';
import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import type { LocalmcpError } from '@localmcp/plugin-api';
import test, { type ExecutionContext } from 'ava';
import { loadConfig, parseConfig } from '../../server/config/load.js';
import { tempDir } from './temp-dir.js';

function configError(t: ExecutionContext, raw: unknown): LocalmcpError {
  const error = t.throws(() => parseConfig(raw, { file: '/cfg/localmcp.yaml', env: {} }));
  if (!isLocalmcpError(error)) throw new Error(`expected a LocalmcpError, got ${String(error)}`);
  t.is(error.code, ErrorCodes.CONFIG_INVALID);
  return error;
}

test('an invalid config lists file, each field path and what was expected, with the issues as data', async (t) => {
  const dir = await tempDir(t, {
    'localmcp.yaml': 'gateway:\n  port: 99999\nmcpServers:\n  broken:\n    command: x\n    args: "-y pkg"\n',
  });
  const file = path.join(dir, 'localmcp.yaml');
  const error = await t.throwsAsync(loadConfig({ cwd: dir, env: {} }));
  t.like(error, { code: ErrorCodes.CONFIG_INVALID });
  const lines = error?.message.split('\n');
  t.is(lines?.[0], `Invalid config in ${file}:`);
  t.true(lines?.includes('  - gateway.port: expected an integer between 0 and 65535, received 99999'), error?.message);
  t.true(lines?.some((l) => l.startsWith('  - mcpServers.broken.args: expected array of strings, received string')));
  const data = (error as LocalmcpError).data;
  t.is(data?.file, file);
  t.deepEqual(
    (data?.issues as { path: string }[]).map((i) => i.path),
    ['gateway.port', 'mcpServers.broken.args'],
  );
});

test('a YAML syntax error is CONFIG_PARSE_FAILED with file and line number', async (t) => {
  const dir = await tempDir(t, { 'localmcp.yaml': 'mcpServers:\n  a:\n    command: [x,\n    args: : y\n' });
  const error = await t.throwsAsync(loadConfig({ cwd: dir, env: {} }));
  t.like(error, { code: ErrorCodes.CONFIG_PARSE_FAILED });
  t.true(error?.message.includes(path.join(dir, 'localmcp.yaml')));
  t.regex(error?.message ?? '', /line 4/);
  t.is((error as LocalmcpError).data?.line, 4);
});

test('a JSON syntax error has line and column, also when V8 gives no position', async (t) => {
  const dir = await tempDir(t, {
    'a.json': '{\n  "mcpServers": {\n    "x": tru\n  }\n}',
    'b.json': '{\n\n  "a": 1 "b"\n}',
  });
  const a = await t.throwsAsync(loadConfig({ path: 'a.json', cwd: dir, env: {} }));
  t.like(a, { code: ErrorCodes.CONFIG_PARSE_FAILED });
  t.true(a?.message.endsWith('a.json: Unexpected "tru" at line 3, column 10'), a?.message);
  const b = await t.throwsAsync(loadConfig({ path: 'b.json', cwd: dir, env: {} }));
  t.like((b as LocalmcpError).data, { line: 3, column: 10 });
});

test('an explicit path that does not exist is CONFIG_NOT_FOUND naming it', async (t) => {
  const dir = await tempDir(t, { 'localmcp.yaml': 'mcpServers: {}' });
  const missing = path.join(dir, 'nope.yaml');
  const error = await t.throwsAsync(loadConfig({ path: missing, cwd: dir, env: {} }));
  t.like(error, { code: ErrorCodes.CONFIG_NOT_FOUND });
  t.true(error?.message.includes(missing));
  const viaEnv = await t.throwsAsync(loadConfig({ cwd: dir, env: { LOCALMCP_CONFIG: missing } }));
  t.regex(viaEnv?.message ?? '', /LOCALMCP_CONFIG/);
});

test('a server with both command and url, or neither, is an error naming the server', (t) => {
  const error = configError(t, { mcpServers: { both: { command: 'x', url: 'http://h/mcp' }, none: { args: [] } } });
  t.regex(error.message, /- mcpServers\.both: has both "command" \(stdio\) and "url"/);
  t.regex(error.message, /- mcpServers\.none: needs "command" .* or "url"/);
});

test('a type that contradicts command/url is an error', (t) => {
  const error = configError(t, {
    mcpServers: { a: { type: 'sse', command: 'x' }, b: { type: 'stdio', url: 'http://h' } },
  });
  t.regex(error.message, /mcpServers\.a: type "sse" needs "url"/);
  t.regex(error.message, /mcpServers\.b: type "stdio" needs "command"/);
});

test('the same name in servers and mcpServers is an error', (t) => {
  const error = configError(t, { mcpServers: { dup: { command: 'a' } }, servers: { dup: { command: 'b' } } });
  t.regex(error.message, /- servers\.dup: server "dup" is also defined in mcpServers/);
});

test('two servers whose namespaces collide are an error', (t) => {
  const error = configError(t, { mcpServers: { 'a.b': { command: 'x' }, a_b: { command: 'y' } } });
  t.regex(error.message, /mcpServers\.a_b: namespace "a_b" is also used by mcpServers\["a\.b"\]/);
});

test('unknown type, bad url, bad plugin id and bad glob list have readable messages', (t) => {
  const error = configError(t, {
    plugins: { required: ['Search HNSW!'] },
    mcpServers: { a: { type: 'ws', url: 'ftp://x' }, b: { command: 'x', tools: { deny: 'x*' } } },
  });
  t.regex(error.message, /mcpServers\.a\.type: expected "stdio", "http", .*"sse", received string "ws"/);
  t.regex(error.message, /mcpServers\.a\.url: expected an http:\/\/ or https:\/\/ URL, received string "ftp:\/\/x"/);
  t.regex(
    error.message,
    /plugins\.required\[0\]: expected a plugin id "kind:name" or an npm package name, received string "Search HNSW!"/,
  );
  t.regex(error.message, /mcpServers\.b\.tools\.deny: expected array of glob patterns, received string/);
});

test('a missing envFile is CONFIG_NOT_FOUND naming the server field', (t) => {
  const error = t.throws(() =>
    parseConfig({ servers: { s: { command: 'x', envFile: 'missing.env' } } }, { file: '/cfg/mcp.json', env: {} }),
  );
  t.like(error, { code: ErrorCodes.CONFIG_NOT_FOUND });
  t.regex(error?.message ?? '', /^\/cfg\/mcp\.json: mcpServers\.s\.envFile: cannot read \/cfg\/missing\.env/);
});
