// `localmcp serve` with plugins installed by `localmcp plugins install`: the good one is loaded, the one that
// throws on load is reported by name and hook while the gateway serves, and a required one that fails stops it.
import { join } from 'node:path';
import test from 'ava';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli as runGatewayCli, spawnGateway, writeConfig } from '../helpers/gateway.js';
import { installFixturePlugin, removeTempDirs, tempDir } from './helpers.js';

test.after.always(removeTempDirs);

interface ReadyPlugins {
  plugins: Array<{ id?: string; package: string; status: string; error?: string }>;
}

test('serve loads installed plugins and survives one that throws on load', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  const { env } = await installFixturePlugin(dataDir, 'good-plugin');
  await installFixturePlugin(dataDir, 'throwing-plugin');
  const file = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const gateway = await spawnGateway(['--config', file], env as Record<string, string>);
  t.teardown(() => gateway.stop());

  const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as ReadyPlugins;
  const good = ready.plugins.find((p) => p.package === 'localmcp-plugin-fixture-good');
  t.is(good?.status, 'loaded');
  t.is(good?.id, 'search:fixture');
  const bad = ready.plugins.find((p) => p.package === 'localmcp-plugin-fixture-throws');
  t.is(bad?.status, 'failed');
  t.is(bad?.error, '[plugin localmcp-plugin-fixture-throws] load: boom at load');
  t.regex(gateway.stderr(), /localmcp-plugin-fixture-throws/, 'the failure is logged by name');
  t.is((await fetch(`${gateway.url}/healthz`)).status, 200, 'the gateway serves');
});

test('a required plugin that fails to load stops serve with its name', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  const { env } = await installFixturePlugin(dataDir, 'throwing-plugin');
  const file = await writeConfig({ plugins: { required: ['localmcp-plugin-fixture-throws'] }, mcpServers: {} });
  const result = await runGatewayCli(['serve', '--config', file, '--port', '0'], {
    env: env as Record<string, string>,
  });
  t.is(result.code, 1);
  t.regex(result.stderr, /localmcp-plugin-fixture-throws/);
  t.regex(result.stderr, /boom at load/);
});
