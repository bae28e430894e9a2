// CI renders every plugin template as a user would (`localmcp init plugin`), installs it with no network, runs its
// own tests, checks it against the house style, and serves the breaker one: installed with `localmcp plugins
// install <dir>` and selected with `resilience.policy`, it guards the gateway's upstream calls.
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { CLI, REPO, spawnGateway, writeConfig } from '../helpers/gateway.js';
import { installOffline, run, type Run } from '../helpers/offline-install.js';
import { styleProblems } from '../helpers/rendered-style.js';
import { isolatedCliEnv, removeTempDirs, tempDir } from '../plugins/helpers.js';

test.after.always(removeTempDirs);

const KINDS = ['breaker', 'search', 'embedder', 'provider'] as const;
type Kind = (typeof KINDS)[number];

interface Scaffold {
  dir: string;
  result: { id: string; packageName: string; api: string; written: string[] };
  install: Run;
  npmTest: Run;
}

if (!existsSync(join(REPO, 'dist/cli/scaffold/plugin.js'))) {
  throw new Error('the template tests run the built CLI: run `npm run build` first');
}

// Every kind is rendered, installed and tested once, all at the same time (mostly npm and tsc waiting on disk),
// and the tests below read the outcome.
// (No top-level await: ava wants every test declared synchronously.)
const rootDir = tempDir('localmcp-templates-');
const scaffolds = new Map(KINDS.map((kind) => [kind, prepare(kind)]));
// A rejection is reported by the test that awaits it; this keeps Node from calling it unhandled meanwhile.
for (const scaffold of scaffolds.values()) scaffold.catch(() => undefined);

async function prepare(kind: Kind): Promise<Scaffold> {
  const root = await rootDir;
  const dir = join(root, `localmcp-${kind}-t-${kind}`);
  const rendered = await run(
    process.execPath,
    [CLI, 'init', 'plugin', '--kind', kind, '--name', `t-${kind}`, '--dir', dir, '--json'],
    root,
  );
  if (rendered.code !== 0)
    throw new Error(`init plugin --kind ${kind} exited with ${rendered.code}\n${rendered.output}`);
  const result = JSON.parse(rendered.stdout) as Scaffold['result'];
  const install = await installOffline(dir);
  const npmTest = await run('npm', ['test'], dir);
  return { dir, result, install, npmTest };
}

for (const kind of KINDS) {
  test(`${kind}: the scaffold installs offline, builds and passes its own tests`, async (t) => {
    const { result, install, npmTest, dir } = await scaffolds.get(kind)!;
    t.is(result.id, `${kind}:t-${kind}`);
    t.is(result.api, `file:${realpathSync(join(REPO, 'plugins/api'))}`, 'outside the checkout: an absolute path');
    t.is(npmTest.code, 0, npmTest.output);
    t.regex(npmTest.output, /^# pass [1-9]/m);
    t.regex(npmTest.output, /^# fail 0$/m);
    t.true(existsSync(join(dir, 'dist/src/index.js')), 'built');
    t.log(`npm install ${install.ms} ms, npm test ${npmTest.ms} ms`);
  });

  test(`${kind}: the rendered sources pass the repository's eslint and prettier`, async (t) => {
    const { dir, result } = await scaffolds.get(kind)!;
    t.deepEqual(await styleProblems(dir, result.written), []);
  });
}

test('breaker: `plugins install <dir>` then `resilience.policy` makes serve guard upstream calls with it', async (t) => {
  const { dir, result } = await scaffolds.get('breaker')!;
  const dataDir = join(await tempDir(), 'data');
  // npm in `plugins install` works offline from the real cache: the folder is linked and its dependencies are in.
  const env = {
    ...isolatedCliEnv(dataDir),
    npm_config_offline: 'true',
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
  } as Record<string, string>;
  const root = await rootDir;
  const installed = await run(process.execPath, [CLI, 'plugins', 'install', dir], root, env);
  t.is(installed.code, 0, installed.output);

  const config = await writeConfig({
    resilience: { policy: 't-breaker', options: { failureThreshold: 2, openMs: 600_000 }, fallbacks: { chain: [] } },
    mcpServers: {
      broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }),
      fine: stdioFixtureConfig({ FIXTURE_NAME: 'fine' }),
    },
  });
  const gateway = await spawnGateway(['--config', config], env);
  t.teardown(() => gateway.stop());

  const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as {
    plugins: Array<{ id?: string; package: string; status: string }>;
  };
  t.like(
    ready.plugins.find((p) => p.id === result.id),
    { package: result.packageName, status: 'loaded' },
  );

  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());
  t.like(await client.callTool({ name: 'fine__echo', arguments: { text: 'hi' } }), { content: [{ text: 'hi' }] });
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }), {
      message: /Injected failure/,
    });
  }
  // The scaffolded policy opened the circuit: the call is refused with its own words, the upstream never sees it.
  await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }), {
    message: /the circuit of "broken" is OPEN/,
  });

  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args, '--url', gateway.url, '--config', config], root, env);
  const breakers = await cli('breakers', 'list', '--json');
  t.is(breakers.code, 0, breakers.output);
  const listing = JSON.parse(breakers.stdout) as { policy: string; breakers: Array<{ server: string; state: string }> };
  t.is(listing.policy, 't-breaker');
  t.like(Object.fromEntries(listing.breakers.map((b) => [b.server, b.state])), { broken: 'OPEN', fine: 'CLOSED' });

  const status = await cli('status');
  t.is(status.code, 0, status.output);
  t.regex(status.output, /broken\s+ready\s+stdio\s+\d+\s+0\s+OPEN/);
  t.regex(status.output, new RegExp(`plugins: .*${result.id} loaded`));
});
