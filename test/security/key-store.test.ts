import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { isLocalmcpError } from '@localmcp/plugin-api';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { tempDir } from '../helpers/gateway.js';

const store = async (options = {}) => new KeyStore(keyFilePath(await tempDir('localmcp-keys-')), options);

test('a created key verifies, with its scopes; the file holds only a hash, mode 0600', async (t) => {
  const keys = await store();
  const { key, info } = await keys.create({ name: 'ci', scopes: ['server:github', 'tool:slack/post_*'] });
  t.regex(key, /^lmk_[a-z0-9]+_[a-f0-9]{64}$/);
  t.true(key.startsWith(`lmk_${info.id}_`));
  const result = await keys.verify(key);
  t.true(result.ok);
  if (result.ok) {
    t.deepEqual(result.scope, { servers: ['github'], tools: ['slack/post_*'], admin: false });
    t.is(result.key.name, 'ci');
  }
  const text = await readFile(keys.file, 'utf8');
  t.false(text.includes(key.split('_')[2]!), 'the secret is not stored');
  t.is((await stat(keys.file)).mode & 0o777, 0o600);
  t.deepEqual(
    (await readdir(join(keys.file, '..'))).filter((f) => f !== 'keys.json'),
    [],
    'no temp or lock files left',
  );
});

test('wrong, unknown, malformed and revoked keys are told apart', async (t) => {
  const keys = await store();
  const { key, info } = await keys.create({ name: 'bot', scopes: ['admin'] });
  const wrongSecret = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
  t.like(await keys.verify(wrongSecret), { ok: false, reason: 'wrong' });
  t.like(await keys.verify(`lmk_ffffffffffff_${'a'.repeat(64)}`), { ok: false, reason: 'unknown' });
  t.like(await keys.verify('lmk_nope'), { ok: false, reason: 'malformed' });
  t.like(await keys.verify('Bearer whatever'), { ok: false, reason: 'malformed' });

  const revoked = await keys.revoke(info.id);
  t.truthy(revoked.revokedAt);
  t.like(await keys.verify(key), { ok: false, reason: 'revoked' });
  // A wrong secret for a revoked key says "wrong": revocation is not disclosed to someone without the key.
  t.like(await keys.verify(wrongSecret), { ok: false, reason: 'wrong' });
  t.is((await keys.revoke(key)).revokedAt, revoked.revokedAt, 'revoking twice (here by full key) keeps the date');
  t.false(await keys.hasActiveKeys());
});

test('revoking an unknown id is KEY_NOT_FOUND', async (t) => {
  const keys = await store();
  const error = await t.throwsAsync(keys.revoke('abc123'));
  t.true(isLocalmcpError(error));
  t.is((error as { code?: string }).code, 'KEY_NOT_FOUND');
});

test('a second store on the same file (another process) sees new and revoked keys at once', async (t) => {
  const cli = await store();
  const gateway = new KeyStore(cli.file);
  t.like(await gateway.verify(`lmk_ffffffffffff_${'a'.repeat(64)}`), { ok: false, reason: 'unknown' });
  const { key, info } = await cli.create({ name: 'late', scopes: ['server:*'] });
  t.true((await gateway.verify(key)).ok);
  await cli.revoke(info.id);
  t.like(await gateway.verify(key), { ok: false, reason: 'revoked' });
});

test('lastUsedAt is recorded on use', async (t) => {
  const keys = await store({ touchIntervalMs: 0 });
  const { key, info } = await keys.create({ name: 'used', scopes: ['server:*'] });
  t.is((await keys.list())[0]!.lastUsedAt, undefined);
  await keys.verify(key);
  const listed = (await keys.list()).find((k) => k.id === info.id)!;
  t.truthy(listed.lastUsedAt);
  t.false('hash' in listed || 'salt' in listed, 'list never shows hashes');
});

test('concurrent creates from two stores lose no key (the file is locked while it changes)', async (t) => {
  const a = await store();
  const b = new KeyStore(a.file);
  const created = await Promise.all(
    Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).create({ name: `k${i}`, scopes: ['server:*'] })),
  );
  const listed = await a.list();
  t.is(listed.length, 12);
  for (const { key } of created) t.true((await b.verify(key)).ok);
});

test('invalid scopes are refused at creation; a damaged file is an error, never "no keys"', async (t) => {
  const keys = await store();
  const error = await t.throwsAsync(keys.create({ name: 'x', scopes: ['servers:github'] }));
  t.is((error as { code?: string }).code, 'SCOPE_INVALID');
  await keys.create({ name: 'ok', scopes: ['admin'] });
  await writeFile(keys.file, '{"version":1,"keys":[{"id":"x"}]}');
  const damaged = await t.throwsAsync(new KeyStore(keys.file).verify(`lmk_x_${'a'.repeat(64)}`));
  t.is((damaged as { code?: string }).code, 'KEY_STORE_FAILED');
  t.regex(damaged!.message, /keys\.json/);
});
