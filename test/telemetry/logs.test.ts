// Logs never contain a configured secret: the static token, the admin token, API keys, an upstream's env values
// and headers, Authorization headers. Checked on a real `localmcp serve --log-level debug` process whose debug
// lines (the configured upstreams, every HTTP request with its headers) would carry them all, and on the logger.
import { Writable } from 'node:stream';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient } from '../helpers/clients.js';
import { startHttpFixture, stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, tempDir, writeConfig } from '../helpers/gateway.js';
import { GatewayConfigSchema } from '../../server/config/schema.js';
import { toUpstreams } from '../../server/config/upstreams.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { createLogger } from '../../server/telemetry/logger.js';
import { secretValues } from '../../server/telemetry/secrets.js';

const TOKEN = 'static-token-7f3a9c1e';
const ADMIN_TOKEN = 'admin-token-2b8e61d4';
const ENV_KEY = 'svc-key-9d8c7b6a5f';
const ENV_PASSWORD = 'correct-horse-battery';
const UPSTREAM_BEARER = 'upstream-bearer-5e4d3c2b';

test('a debug-level gateway process logs requests and upstreams without any configured secret', async (t) => {
  const dataDir = await tempDir('localmcp-logs-');
  const { key } = await new KeyStore(keyFilePath(dataDir)).create({ name: 'logs', scopes: ['admin'] });
  const http = await startHttpFixture('http');
  t.teardown(() => http.close());
  const config = await writeConfig({
    gateway: { token: TOKEN, adminToken: ADMIN_TOKEN },
    security: { auth: { keys: true } },
    mcpServers: {
      echo: stdioFixtureConfig({ SERVICE_API_KEY: ENV_KEY, DB_PASSWORD: ENV_PASSWORD }),
      remote: { url: http.url, headers: { Authorization: `Bearer ${UPSTREAM_BEARER}` } },
    },
  });
  const gateway = await spawnGateway(['--config', config, '--log-level', 'debug'], {
    LOCALMCP_DATA_DIR: dataDir,
    LOCALMCP_LOG_FORMAT: 'json',
  });
  t.teardown(() => gateway.stop('SIGKILL'));

  for (const bearer of [TOKEN, key]) {
    const client = await connectClient(
      new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${bearer}`, 'x-api-key': bearer } },
      }),
    );
    await client.callTool({ name: 'echo__echo', arguments: { text: 'hello' } });
    await client.callTool({ name: 'remote__echo', arguments: { text: 'hello' } });
    await client.close();
  }
  t.is((await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200);
  t.is((await fetch(`${gateway.url}/mcp`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status, 401);
  t.is(await gateway.stop(), 0);

  const logs = gateway.stderr();
  const lines = logs.split('\n').filter(Boolean);
  // The secrets had every chance to appear: these lines carry the fields they live in.
  t.true(lines.some((line) => line.includes('"msg":"upstreams configured"') && line.includes('"env":"[redacted]"')));
  const requests = lines.filter((line) => line.includes('"msg":"http request"'));
  t.true(requests.length >= 8, `${requests.length} request lines`);
  t.true(requests.every((line) => !line.includes('authorization') || line.includes('"authorization":"[redacted]"')));
  for (const secret of [TOKEN, ADMIN_TOKEN, key, ENV_KEY, ENV_PASSWORD, UPSTREAM_BEARER]) {
    t.false(logs.includes(secret), `a log line contains ${secret.slice(0, 12)}…`);
  }
});

test('the logger scrubs configured secret values wherever they appear, and credential-shaped text', (t) => {
  const config = GatewayConfigSchema.parse({
    gateway: { token: TOKEN },
    redis: { url: `redis://:${ENV_PASSWORD}@127.0.0.1:6379` },
    mcpServers: { svc: { command: 'svc', env: { SERVICE_API_KEY: ENV_KEY, REGION: 'eu-west-1' } } },
  });
  const secrets = secretValues(config, toUpstreams(config));
  t.true(secrets.includes(TOKEN) && secrets.includes(ENV_KEY));
  t.false(secrets.includes('eu-west-1'), 'only secret-named fields count');
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ destination, secrets, format: 'json' });
  logger.info({ note: `the token is ${TOKEN}` }, `connecting with ${ENV_KEY}`);
  logger.warn({ err: `redis://:${ENV_PASSWORD}@127.0.0.1:6379 refused` }, 'redis down');
  logger.error({ headers: { authorization: 'Bearer abcdefghijklmnop' } }, 'refused');
  logger.info({ detail: 'sent Authorization: Bearer qrstuvwxyz0123456 upstream' }, 'text');
  logger.info({ region: 'eu-west-1' }, 'not a secret');
  for (const secret of [TOKEN, ENV_KEY, ENV_PASSWORD, 'abcdefghijklmnop', 'qrstuvwxyz0123456']) {
    t.false(out.includes(secret), secret);
  }
  t.true(out.includes('eu-west-1'));
  t.is(out.split('\n').filter(Boolean).length, 5);
});
