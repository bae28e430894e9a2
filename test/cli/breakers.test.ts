// `localmcp breakers list|reset` against a real `localmcp serve` process, through the admin API: a tripped
// circuit shows OPEN, a reset closes it, and the admin token is required once one is set.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, spawnGateway, writeConfig } from '../helpers/gateway.js';
import { freePort } from '../helpers/process.js';

const ADMIN = 'admin-secret-1234';

test('breakers list shows a tripped circuit; breakers reset closes it; the admin token is enforced', async (t) => {
  const config = await writeConfig({
    resilience: { options: { server: { failureThreshold: 2, openMs: 600_000 } }, fallbacks: { chain: [] } },
    mcpServers: {
      broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }),
      fine: stdioFixtureConfig({ FIXTURE_NAME: 'fine' }),
    },
  });
  const gateway = await spawnGateway(['--config', config, '--admin-token', ADMIN]);
  t.teardown(() => gateway.stop());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }));
  }

  const cli = (...args: string[]) => runCli(['breakers', ...args, '--url', gateway.url, '--config', config]);
  const listed = await cli('list', '--json', '--admin-token', ADMIN);
  t.is(listed.code, 0, listed.stderr);
  const listing = JSON.parse(listed.stdout) as { policy: string; breakers: Array<{ server: string; state: string }> };
  t.is(listing.policy, 'elastic');
  t.like(Object.fromEntries(listing.breakers.map((b) => [b.server, b.state])), { broken: 'OPEN', fine: 'CLOSED' });

  const table = await cli('list', '--admin-token', ADMIN);
  t.regex(table.stdout, /broken\s+OPEN\s+\d+ s/);

  const reset = await cli('reset', 'broken', '--admin-token', ADMIN);
  t.is(reset.code, 0, reset.stderr);
  t.regex(reset.stdout, /reset broken/);
  t.regex(reset.stdout, /broken\s+CLOSED/);
  // Closed again: the call reaches the upstream (and fails there) instead of being refused.
  await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }), {
    message: /Injected failure/,
  });

  const wrong = await cli('list', '--admin-token', 'nope');
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /401: invalid admin token/);
  const anonymous = await fetch(`${gateway.url}/api/v1/breakers`);
  t.is(anonymous.status, 401);
  t.false(JSON.stringify(await anonymous.json()).includes('broken'), 'no admin data without the token');

  const unknown = await cli('reset', 'ghost', '--admin-token', ADMIN);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /404: no upstream server "ghost"/);
});

test('breakers list exits 3 when no gateway answers', async (t) => {
  const port = await freePort();
  const result = await runCli(['breakers', 'list', '--url', `http://127.0.0.1:${port}`]);
  t.is(result.code, 3);
  t.regex(result.stderr, /no gateway answered at http:\/\/127\.0\.0\.1:\d+/);
  t.notRegex(result.stderr, / {4}at /, 'no stack trace');
});
