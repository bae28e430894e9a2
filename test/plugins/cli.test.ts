// The real CLI in child processes: `localmcp plugins install|link|uninstall` (oclif's plugin-plugins) with a
// temporary data dir, and what `serve` will see of the installed plugins (cli/plugin-candidates.ts from dist/).
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import test from 'ava';
import type { PluginCandidate, PluginStatus } from '../../server/plugins/index.js';
import {
  cliBin,
  describeRun,
  installFixturePlugin,
  isolatedCliEnv,
  packFixturePlugin,
  pluginFixturesDir,
  removeTempDirs,
  repoRoot,
  run,
  runCli,
  tempDir,
} from './helpers.js';

test.after.always(removeTempDirs);

test.before(() => {
  const needed = ['dist/cli/plugin-candidates.js', 'dist/server/plugins/index.js', 'oclif.manifest.json'];
  const missing = needed.filter((f) => !existsSync(join(repoRoot, f)));
  if (missing.length > 0) {
    throw new Error(`CLI tests run the built CLI, but ${missing.join(', ')} is missing: run \`npm run build\` first`);
  }
});

interface ListedPlugin {
  name: string;
  type: string;
  root: string;
}

async function listPlugins(dataDir: string): Promise<ListedPlugin[]> {
  const result = await runCli(dataDir, ['plugins', '--json']);
  if (result.code !== 0) throw new Error(describeRun('localmcp plugins --json', result));
  return JSON.parse(result.stdout) as ListedPlugin[];
}

interface LoadedReport {
  dataDir: string;
  candidates: PluginCandidate[];
  statuses: PluginStatus[];
  /** One vector search through the loaded fixture: its nearest id for a query close to `notes__add`. */
  hits?: Array<{ id: string; score: number }>;
}

/** What serve will load: oclif config -> pluginCandidatesFromOclif -> loadPlugins, in a child process. */
async function loadInstalled(dataDir: string): Promise<LoadedReport> {
  const script = join(repoRoot, 'test', 'plugins', 'load-installed-plugins.ts');
  const result = await run(process.execPath, ['--import', 'tsx', script], { env: isolatedCliEnv(dataDir) });
  if (result.code !== 0) throw new Error(describeRun('load-installed-plugins', result));
  return JSON.parse(result.stdout) as LoadedReport;
}

test('plugins install file:<tgz> installs into the data dir; serve finds and loads it; uninstall removes it', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  const installed = await installFixturePlugin(dataDir);
  t.is(installed.result.code, 0);
  const packageName = 'localmcp-plugin-fixture-good';
  const installedRoot = join(dataDir, 'node_modules', packageName);
  t.true(existsSync(join(installedRoot, 'index.js')), 'the package is unpacked in <data dir>/node_modules');

  const listed = (await listPlugins(dataDir)).find((p) => p.name === packageName);
  t.is(listed?.type, 'user');
  const plain = await runCli(dataDir, ['plugins']);
  t.regex(plain.stdout, /localmcp-plugin-fixture-good 1\.0\.0/);

  const report = await loadInstalled(dataDir);
  t.is(report.dataDir, dataDir, 'the isolated data dir was used');
  t.deepEqual(
    report.candidates.filter((c) => c.packageName === packageName),
    [{ packageName, version: '1.0.0', root: installedRoot, entry: join(installedRoot, 'index.js'), source: 'user' }],
  );
  t.deepEqual(report.statuses.find((s) => s.package === packageName)?.status, 'loaded');
  t.deepEqual(
    report.hits?.map((h) => h.id),
    ['notes__add'],
    'the installed plugin answers a vector search',
  );
  t.true(Math.abs((report.hits?.[0]?.score ?? 0) - 1 / Math.hypot(1, 0.1)) < 1e-6, 'with the cosine as score');

  const uninstall = await runCli(dataDir, ['plugins', 'uninstall', packageName]);
  t.is(uninstall.code, 0, describeRun('plugins uninstall', uninstall));
  t.false((await listPlugins(dataDir)).some((p) => p.name === packageName));
  t.false(existsSync(installedRoot), 'the files are gone from the data dir');
  const userPjson = JSON.parse(await readFile(join(dataDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    oclif: { plugins: unknown[] };
  };
  t.deepEqual([userPjson.dependencies, userPjson.oclif.plugins], [{}, []]);
  t.deepEqual(
    (await loadInstalled(dataDir)).candidates.filter((c) => c.packageName === packageName),
    [],
  );
});

test('a plugin whose module throws installs, leaves the CLI working, and is reported as failed at load', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  await installFixturePlugin(dataDir, 'throwing-plugin');
  t.true((await listPlugins(dataDir)).some((p) => p.name === 'localmcp-plugin-fixture-throws'));
  const report = await loadInstalled(dataDir);
  t.deepEqual(
    report.statuses.find((s) => s.package === 'localmcp-plugin-fixture-throws'),
    {
      package: 'localmcp-plugin-fixture-throws',
      status: 'failed',
      error: '[plugin localmcp-plugin-fixture-throws] load: boom at load',
      required: false,
    },
  );
});

test('plugins link <dir> makes a link candidate rooted at the directory', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  const fixtureRoot = join(pluginFixturesDir, 'good-plugin');
  const link = await runCli(dataDir, ['plugins', 'link', fixtureRoot, '--no-install']);
  t.is(link.code, 0, describeRun('plugins link', link));
  t.is((await listPlugins(dataDir)).find((p) => p.name === 'localmcp-plugin-fixture-good')?.type, 'link');

  const report = await loadInstalled(dataDir);
  const candidate = report.candidates.find((c) => c.packageName === 'localmcp-plugin-fixture-good');
  t.is(candidate?.source, 'link');
  t.is(candidate?.root, fixtureRoot);
  t.deepEqual(
    report.hits?.map((h) => h.id),
    ['notes__add'],
  );

  const unlink = await runCli(dataDir, ['plugins', 'uninstall', 'localmcp-plugin-fixture-good']);
  t.is(unlink.code, 0, describeRun('plugins uninstall (link)', unlink));
  t.false((await listPlugins(dataDir)).some((p) => p.name === 'localmcp-plugin-fixture-good'));
  t.true(existsSync(join(fixtureRoot, 'index.js')), 'unlinking leaves the linked directory alone');
});

test('plugins install accepts a plain relative path to a tarball (rewritten to file:, never fetched)', async (t) => {
  const dataDir = join(await tempDir(), 'data');
  const env = isolatedCliEnv(dataDir);
  const packDir = join(dirname(dataDir), 'packs');
  await mkdir(packDir, { recursive: true });
  await mkdir(env['HOME']!, { recursive: true });
  const tarball = await packFixturePlugin('good-plugin', packDir, env);
  const result = await run(process.execPath, [cliBin, 'plugins', 'install', `./${basename(tarball)}`], {
    cwd: packDir,
    env,
    timeoutMs: 30_000,
  });
  t.is(result.code, 0, describeRun('plugins install ./x.tgz', result));
  t.true((await listPlugins(dataDir)).some((p) => p.name === 'localmcp-plugin-fixture-good'));
});
