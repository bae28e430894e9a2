import { ErrorCodes } from '@localmcp/plugin-api';
import test from 'ava';
import { applyOverrides, envOverrides, loadConfig } from '../../server/config/load.js';
import { GatewayConfigSchema } from '../../server/config/schema.js';
import { tempDir } from './temp-dir.js';

test('envOverrides reads LOCALMCP_HOST, LOCALMCP_PORT and LOCALMCP_TOKEN; empty means unset', (t) => {
  t.deepEqual(envOverrides({ LOCALMCP_HOST: '0.0.0.0', LOCALMCP_PORT: '9000', LOCALMCP_TOKEN: 't' }), {
    host: '0.0.0.0',
    port: 9000,
    token: 't',
  });
  t.deepEqual(envOverrides({ LOCALMCP_PORT: '', LOCALMCP_HOST: '' }), {});
  t.deepEqual(envOverrides({ LOCALMCP_PORT: '0' }), { port: 0 });
});

test('envOverrides rejects a LOCALMCP_PORT that is not an integer in 0-65535', (t) => {
  for (const bad of ['abc', '80.5', '-1', '65536', '99999']) {
    const error = t.throws(() => envOverrides({ LOCALMCP_PORT: bad }));
    t.like(error, { code: ErrorCodes.CONFIG_INVALID });
    t.regex(error?.message ?? '', /^LOCALMCP_PORT must be an integer between 0 and 65535, received/);
    t.true(error?.message.includes(bad));
  }
});

test('applyOverrides changes only the defined fields and leaves the input alone', (t) => {
  const config = GatewayConfigSchema.parse({ gateway: { host: 'h', port: 1, token: 'old' } });
  const next = applyOverrides(config, { port: 2, stateless: true, host: undefined });
  t.like(next.gateway, { host: 'h', port: 2, token: 'old', stateless: true });
  t.is(config.gateway.port, 1);
  t.throws(() => applyOverrides(config, { port: 70_000 }), { message: /between 0 and 65535/ });
});

test('loadConfig applies LOCALMCP_* over the file', async (t) => {
  const dir = await tempDir(t, { 'localmcp.yaml': 'gateway: { host: 127.0.0.1, port: 1234 }' });
  const loaded = await loadConfig({ cwd: dir, env: { LOCALMCP_PORT: '4321', LOCALMCP_TOKEN: 'tok' } });
  t.like(loaded.config.gateway, { host: '127.0.0.1', port: 4321, token: 'tok' });
});
