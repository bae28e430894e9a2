// `localmcp keys create|list|revoke` as real processes on a temporary data dir, checked against the store the
// gateway reads.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { runCli, tempDir } from '../helpers/gateway.js';

interface KeyJson {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt?: string;
  key?: string;
}

test('create prints the key once; list shows it without the secret; revoke stops it verifying', async (t) => {
  const dataDir = await tempDir('localmcp-keys-cli-');
  const env = { LOCALMCP_DATA_DIR: dataDir };

  const created = await runCli(['keys', 'create', '--name', 'ci', '--scopes', 'server:github,tool:slack/post_*'], {
    env,
  });
  t.is(created.code, 0, created.stderr);
  const key = /lmk_[a-z0-9]+_[a-f0-9]{64}/.exec(created.stdout)?.[0];
  t.truthy(key, created.stdout);
  t.regex(created.stdout, /only time the key is shown/);

  const store = new KeyStore(keyFilePath(dataDir));
  const verified = await store.verify(key!);
  t.true(verified.ok, 'the gateway-side store accepts the printed key');
  if (verified.ok) t.deepEqual(verified.scope, { servers: ['github'], tools: ['slack/post_*'], admin: false });
  t.is((await stat(join(dataDir, 'keys.json'))).mode & 0o777, 0o600);

  const listed = await runCli(['keys', 'list', '--json'], { env });
  t.is(listed.code, 0, listed.stderr);
  const { keys } = JSON.parse(listed.stdout) as { keys: KeyJson[] };
  t.is(keys.length, 1);
  t.like(keys[0], { name: 'ci', scopes: ['server:github', 'tool:slack/post_*'] });
  t.false(listed.stdout.includes(key!.split('_')[2]!), 'no secret in the listing');
  t.false(listed.stdout.includes('hash'), 'no hash in the listing');

  const table = await runCli(['keys', 'list'], { env });
  t.regex(table.stdout, new RegExp(`${keys[0]!.id}\\s+ci\\s+server:github tool:slack/post_\\*.*active`));

  const revoked = await runCli(['keys', 'revoke', keys[0]!.id], { env });
  t.is(revoked.code, 0, revoked.stderr);
  t.regex(revoked.stdout, new RegExp(`Revoked API key ${keys[0]!.id} "ci"`));
  t.like(await store.verify(key!), { ok: false, reason: 'revoked' });
  t.regex((await runCli(['keys', 'list'], { env })).stdout, /revoked \d{4}-/);
});

test('--json create returns the key; --data-dir overrides the data dir; repeated --scopes add up', async (t) => {
  const dataDir = await tempDir('localmcp-keys-cli-');
  const result = await runCli([
    'keys',
    'create',
    '--name',
    'ops',
    '--scopes',
    'admin',
    '--scopes',
    'server:memory',
    '--data-dir',
    dataDir,
    '--json',
  ]);
  t.is(result.code, 0, result.stderr);
  const created = JSON.parse(result.stdout) as KeyJson;
  t.deepEqual(created.scopes, ['admin', 'server:memory']);
  const verified = await new KeyStore(keyFilePath(dataDir)).verify(created.key!);
  t.true(verified.ok && verified.scope.admin);
  t.false((await readFile(join(dataDir, 'keys.json'), 'utf8')).includes(created.key!.slice(-64)));
});

test('a bad scope, a missing --scopes and an unknown id exit 1 with a clear message', async (t) => {
  const env = { LOCALMCP_DATA_DIR: await tempDir('localmcp-keys-cli-') };
  const badScope = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'repo'], { env });
  t.is(badScope.code, 1);
  t.regex(badScope.stderr, /invalid scope "repo": expected "server:<glob>", "tool:<glob>" or\s+(›\s+)?"admin"/);
  t.notRegex(badScope.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');

  const noScopes = await runCli(['keys', 'create', '--name', 'x'], { env });
  t.not(noScopes.code, 0);
  t.regex(noScopes.stderr, /Missing required flag scopes/);

  const unknown = await runCli(['keys', 'revoke', 'abcdef123456'], { env });
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /no API key with id "abcdef123456"/);
  t.deepEqual(JSON.parse((await runCli(['keys', 'list', '--json'], { env })).stdout), { keys: [] });
});
