import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import { findLocalPlugins, readPluginCandidate } from '../../server/plugins/index.js';
import { pluginFixturesDir, repoRoot, tempDir, removeTempDirs } from './helpers.js';

test.after.always(removeTempDirs);

test('readPluginCandidate reads the localmcp field into an absolute entry', async (t) => {
  const root = join(pluginFixturesDir, 'good-plugin');
  t.deepEqual(await readPluginCandidate(root, 'user'), {
    packageName: 'localmcp-plugin-fixture-good',
    version: '1.0.0',
    root,
    entry: join(root, 'index.js'),
    source: 'user',
  });
});

test('readPluginCandidate: undefined for a package that is not a plugin or a folder without package.json', async (t) => {
  t.is(await readPluginCandidate(repoRoot, 'core'), undefined, 'localmcp itself has no localmcp field');
  t.is(await readPluginCandidate(await tempDir(), 'local'), undefined);
});

test('a package that says it is a plugin but names no module becomes a candidate with a problem', async (t) => {
  const root = await tempDir();
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'half-a-plugin', localmcp: {} }));
  const candidate = await readPluginCandidate(root, 'local');
  t.is(candidate?.packageName, 'half-a-plugin');
  t.regex(candidate?.problem ?? '', /"localmcp\.plugin" must be the relative path/);
});

test('findLocalPlugins: a folder of plugin packages, sorted, skipping non-plugins; or one package', async (t) => {
  const all = await findLocalPlugins(pluginFixturesDir);
  t.deepEqual(
    all.map((c) => [c.packageName, c.source]),
    [
      ['localmcp-plugin-fixture-create-throws', 'local'],
      ['localmcp-plugin-fixture-good', 'local'],
      ['localmcp-plugin-fixture-throws', 'local'],
    ],
  );

  const dir = await tempDir();
  await mkdir(join(dir, 'not-a-plugin'));
  await writeFile(join(dir, 'not-a-plugin', 'package.json'), JSON.stringify({ name: 'not-a-plugin' }));
  await mkdir(join(dir, '@acme', 'search-x'), { recursive: true });
  await writeFile(
    join(dir, '@acme', 'search-x', 'package.json'),
    JSON.stringify({ name: '@acme/search-x', localmcp: { plugin: './dist/index.js' } }),
  );
  t.deepEqual(
    (await findLocalPlugins(dir)).map((c) => [c.packageName, c.entry]),
    [['@acme/search-x', join(dir, '@acme', 'search-x', 'dist', 'index.js')]],
  );

  const one = await findLocalPlugins(join(pluginFixturesDir, 'good-plugin'));
  t.deepEqual(
    one.map((c) => c.packageName),
    ['localmcp-plugin-fixture-good'],
  );
});

test('findLocalPlugins: a configured directory that does not exist is an error, not an empty list', async (t) => {
  const missing = join(await tempDir(), 'nope');
  const error = await t.throwsAsync(findLocalPlugins(missing));
  t.true(isLocalmcpError(error));
  t.is((error as { code?: string }).code, ErrorCodes.PLUGIN_LOAD_FAILED);
  t.regex(error?.message ?? '', /nope/);
});
