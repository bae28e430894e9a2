import path from 'node:path';
import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import test from 'ava';
import { loadConfig, parseConfig } from '../../server/config/load.js';
import { tempDir } from './temp-dir.js';

const server = (env: Record<string, string>) => ({ mcpServers: { s: { command: 'x', env } } });
const envOf = (raw: unknown, options: Parameters<typeof parseConfig>[1]) => parseConfig(raw, options).upstreams[0]?.env;

test('${VAR:-default} uses the default when VAR is unset or empty, the value otherwise', (t) => {
  const raw = server({ A: '${A:-fallback}', B: '${B:-fallback}', C: 'x-${C:-}-y', D: '${env:D:-d}' });
  t.deepEqual(envOf(raw, { env: { B: '' } }), { A: 'fallback', B: 'fallback', C: 'x--y', D: 'd' });
  t.deepEqual(envOf(raw, { env: { A: 'a', B: 'b', C: 'c', D: 'dd' } }), { A: 'a', B: 'b', C: 'x-c-y', D: 'dd' });
});

test('.env beside the config fills variables the environment lacks; the environment wins', async (t) => {
  const dir = await tempDir(t, {
    'localmcp.yaml': 'mcpServers:\n  s:\n    command: x\n    env:\n      ONE: ${ONE}\n      TWO: ${env:TWO}\n',
    '.env': 'ONE=from-dotenv\nTWO=from-dotenv\n',
  });
  const env = { TWO: 'from-env' };
  const loaded = await loadConfig({ cwd: dir, env });
  t.deepEqual(loaded.upstreams[0]?.env, { ONE: 'from-dotenv', TWO: 'from-env' });
  t.deepEqual(env, { TWO: 'from-env' }, 'the env passed in is not modified');
  t.is(process.env.ONE, undefined, 'process.env is not modified');
});

test('a missing variable is CONFIG_ENV_MISSING naming the file, field path and variable', async (t) => {
  const dir = await tempDir(t, {
    'localmcp.yaml': 'mcpServers:\n  github:\n    command: x\n    env:\n      GITHUB_TOKEN: ${GITHUB_TOKEN}\n',
  });
  const error = await t.throwsAsync(loadConfig({ cwd: dir, env: {} }));
  t.true(isLocalmcpError(error));
  t.like(error, { code: ErrorCodes.CONFIG_ENV_MISSING });
  const file = path.join(dir, 'localmcp.yaml');
  t.true(
    error?.message.startsWith(
      `${file}: mcpServers.github.env.GITHUB_TOKEN: environment variable GITHUB_TOKEN is not set`,
    ),
    error?.message,
  );
  t.true(error?.message.includes('${GITHUB_TOKEN:-default}'));
});

test('${input:x} is a clear error saying input variables are unsupported and suggesting ${VAR}', (t) => {
  const headers = { Authorization: 'Bearer ${input:api-key}' };
  const raw = { servers: { s: { url: 'https://x.example/mcp', headers } } };
  const error = t.throws(() => parseConfig(raw, { file: 'mcp.json', env: {} }));
  t.like(error, { code: ErrorCodes.CONFIG_ENV_MISSING });
  t.regex(error?.message ?? '', /^mcp\.json: servers\.s\.headers\.Authorization: .*input variables are not supported/);
  t.true(error?.message.includes('${VAR}'));
});

test('$$ and \\${ write literals; ${userHome} and ${workspaceFolder} expand', (t) => {
  const raw = server({
    A: 'cost $$5',
    B: '\\${NOT_A_VAR}',
    C: '$${ALSO_NOT}',
    D: '${userHome}/x',
    E: '${workspaceFolder}',
  });
  const env = envOf(raw, { file: '/proj/.vscode/mcp.json', env: { HOME: '/home/me' } });
  t.deepEqual(env, { A: 'cost $5', B: '${NOT_A_VAR}', C: '${ALSO_NOT}', D: '/home/me/x', E: '/proj' });
  t.is(envOf(server({ E: '${workspaceFolder}' }), { file: '/proj/localmcp.yaml', env: {} })?.E, '/proj');
});

test('interpolated numbers and booleans are accepted where numbers and booleans are expected', (t) => {
  const raw = { gateway: { port: '${PORT:-8123}', stateless: '${STATELESS:-true}' } };
  const { gateway } = parseConfig(raw, { env: {} }).config;
  t.is(gateway.port, 8123);
  t.is(gateway.stateless, true);
});

test('${...} inside an ignored key never fails the load', (t) => {
  const loaded = parseConfig({ preferences: { x: '${UNSET_VAR}' }, mcpServers: {} }, { env: {} });
  t.deepEqual(loaded.warnings, ['unknown key "preferences" ignored']);
});

test('an unsupported ${...} form is an error naming the field', (t) => {
  const error = t.throws(() => parseConfig(server({ A: '${config:foo}' }), { file: 'f.yaml', env: {} }));
  t.like(error, { code: ErrorCodes.CONFIG_INVALID });
  t.true(error?.message.includes('mcpServers.s.env.A: unsupported variable ${config:foo}'), error?.message);
});
