import test from 'ava';
import { ErrorCodes, isLocalmcpError, isPluginError } from '@localmcp/plugin-api';
import type { PluginError, SearchBackend } from '@localmcp/plugin-api';
import { MemoryPluginCache, PluginMetricsStore, loadPlugins, namespacedCache } from '../../server/plugins/index.js';
import type { PluginStatus } from '../../server/plugins/index.js';
import { captureLogger, fixtureCandidate, tempPluginPackage, removeTempDirs } from './helpers.js';

test.after.always(removeTempDirs);

const marker = "[Symbol.for('localmcp.plugin')]: true";

/** What the good fixture exposes for tests besides the SearchBackend methods. */
type FixtureSearch = SearchBackend & {
  fixtureState: { closed: boolean; signalAborted: boolean; id: string; options: { minScore: number } };
};

const records = [
  { id: 'notes__add', vector: Float32Array.from([1, 0, 0]) },
  { id: 'files__read', vector: Float32Array.from([0, 2, 0]) },
];
/** Closest to notes__add (cosine 0.99), far from files__read (0.11). */
const nearNotes = Float32Array.from([0.9, 0.1, 0]);

function statusOf(statuses: PluginStatus[], key: string): PluginStatus | undefined {
  return statuses.find((s) => s.id === key || s.package === key);
}

async function rejection(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    if (!isPluginError(error)) throw new Error(`expected a PluginError, got ${String(error)}`, { cause: error });
    return error;
  }
  throw new Error('expected a rejection');
}

test('the good plugin loads and is usable through the registry; broken ones are reported by name and hook', async (t) => {
  const logger = captureLogger();
  const candidates = await Promise.all(
    (['throwing-plugin', 'good-plugin', 'create-throws-plugin'] as const).map(fixtureCandidate),
  );
  const registry = await loadPlugins(candidates, { logger });

  const search = registry.get('search', 'fixture');
  t.truthy(search);
  await search!.upsert(records);
  t.is(search!.size(), 2);
  t.deepEqual(
    (await search!.search(nearNotes, { limit: 10 })).map((h) => h.id),
    ['notes__add', 'files__read'],
  );
  t.deepEqual(
    (await search!.search(nearNotes, { limit: 10, filter: (id) => id.startsWith('files__') })).map((h) => h.id),
    ['files__read'],
  );
  t.deepEqual(
    registry.list('search').map((p) => p.id),
    ['search:fixture'],
  );
  t.deepEqual(registry.list('embedder'), []);

  const statuses = registry.statuses();
  t.deepEqual(statusOf(statuses, 'search:fixture'), {
    id: 'search:fixture',
    kind: 'search',
    name: 'fixture',
    package: 'localmcp-plugin-fixture-good',
    status: 'loaded',
    required: false,
  });

  const throwing = statusOf(statuses, 'localmcp-plugin-fixture-throws');
  t.is(throwing?.status, 'failed');
  t.is(throwing?.id, undefined);
  t.is(throwing?.error, '[plugin localmcp-plugin-fixture-throws] load: boom at load');

  const createThrows = statusOf(statuses, 'search:create-throws');
  t.is(createThrows?.status, 'failed');
  t.is(createThrows?.error, '[plugin search:create-throws] create: boom at create');
  t.is(registry.get('search', 'create-throws'), undefined);

  // Each failure is logged at warn by name and hook, and the message carries no stack.
  const warnings = logger.records.filter((r) => r.level === 'warn');
  t.deepEqual(warnings.map((w) => [w.fields['plugin'], w.fields['hook']]).sort(), [
    ['localmcp-plugin-fixture-throws', 'load'],
    ['search:create-throws', 'create'],
  ]);
  for (const w of warnings) t.notRegex(w.message ?? '', /\n\s+at /);
  await registry.close();
});

test('the plugin gets a ctx: child logger, metrics under its id, its own cache namespace, a signal', async (t) => {
  const logger = captureLogger();
  const metrics = new PluginMetricsStore();
  const cache = new MemoryPluginCache();
  const registry = await loadPlugins([await fixtureCandidate('good-plugin')], { logger, metrics, cache });
  const search = registry.get('search', 'fixture') as FixtureSearch;

  t.is(search.fixtureState.id, 'search:fixture');
  t.deepEqual(search.fixtureState.options, { minScore: -1 }, 'no configured options: the schema defaults apply');
  const created = logger.records.find((r) => r.message === 'fixture search created');
  t.deepEqual(created?.bindings, { plugin: 'search:fixture' });

  await search.upsert(records);
  await search.search(nearNotes, { limit: 1 });
  await search.search(nearNotes, { limit: 2 });
  t.deepEqual(metrics.counters(), [{ plugin: 'search:fixture', name: 'searches', labels: {}, value: 2 }]);
  t.is(registry.metrics, metrics);

  t.is(await cache.get('indexed'), undefined, 'plugin keys do not land in the shared key space');
  t.is(await namespacedCache(cache, 'search:fixture').get('indexed'), 2);

  t.false(search.fixtureState.signalAborted);
  await registry.close();
  t.true(search.fixtureState.signalAborted);
  t.true(search.fixtureState.closed);
  t.is(registry.get('search', 'fixture'), undefined, 'a closed registry hands out nothing');
  await registry.close(); // twice is harmless
});

test('configured options reach create(); invalid ones fail at hook options with path: message', async (t) => {
  const good = await fixtureCandidate('good-plugin');
  const ok = await loadPlugins([good], {
    logger: captureLogger(),
    options: { 'search:fixture': { minScore: 0.5 } },
  });
  const search = ok.get('search', 'fixture')!;
  await search.upsert(records);
  t.deepEqual(
    (await search.search(nearNotes, { limit: 5 })).map((h) => h.id),
    ['notes__add'],
    'minScore 0.5: files__read (0.11) is dropped',
  );
  await ok.close();

  const logger = captureLogger();
  const bad = await loadPlugins([good], { logger, options: { 'search:fixture': { minScore: 'high' } } });
  const status = statusOf(bad.statuses(), 'search:fixture');
  t.is(status?.status, 'failed');
  t.is(status?.error, '[plugin search:fixture] options: invalid options: minScore: expected a number between -1 and 1');
  t.is(logger.records.find((r) => r.level === 'warn')?.fields['code'], ErrorCodes.PLUGIN_OPTIONS_INVALID);
  t.is(bad.get('search', 'fixture'), undefined);
});

test('a required plugin that fails rejects loadPlugins with PLUGIN_LOAD_FAILED naming it, after closing the others', async (t) => {
  const closes = await tempPluginPackage(
    'localmcp-plugin-closes',
    `export default { ${marker}, apiVersion: 1, kind: 'embedder', name: 'closes',
       create: () => ({ id: 'closes', dimensions: 1, embed: async (texts) => texts.map(() => new Float32Array(1)),
                        close: async () => { globalThis.closedByTest = (globalThis.closedByTest ?? 0) + 1; } }) };`,
  );
  const candidates = [closes, await fixtureCandidate('create-throws-plugin')];
  const error = await rejection(
    loadPlugins(candidates, { logger: captureLogger(), required: ['search:create-throws'] }),
  );
  t.true(isLocalmcpError(error));
  t.is(error.code, ErrorCodes.PLUGIN_LOAD_FAILED);
  t.is(error.plugin, 'search:create-throws');
  t.is(error.hook, 'create');
  t.is(error.message, '[plugin search:create-throws] create: required by the config, but failed: boom at create');
  t.is((globalThis as { closedByTest?: number }).closedByTest, 1, 'the plugin that did load was closed');

  // Required by package name, failing at import.
  const byPackage = await rejection(
    loadPlugins([await fixtureCandidate('throwing-plugin')], {
      logger: captureLogger(),
      required: ['localmcp-plugin-fixture-throws'],
    }),
  );
  t.is(byPackage.code, ErrorCodes.PLUGIN_LOAD_FAILED);
  t.is(byPackage.plugin, 'localmcp-plugin-fixture-throws');
  t.is(byPackage.hook, 'load');
  t.regex(byPackage.message, /boom at load/);
});

test('a required id no candidate provides rejects with PLUGIN_REQUIRED_MISSING', async (t) => {
  const candidates = [await fixtureCandidate('good-plugin'), await fixtureCandidate('throwing-plugin')];
  const error = await rejection(
    loadPlugins(candidates, { logger: captureLogger(), required: ['search:fixture', 'search:nope'] }),
  );
  t.true(isLocalmcpError(error));
  t.is(error.code, ErrorCodes.PLUGIN_REQUIRED_MISSING);
  t.is(error.plugin, 'search:nope');
  t.regex(error.message, /^\[plugin search:nope\] load: required by the config, but no installed plugin provides it/);
  // The package that failed before saying what it provides is named as a suspect.
  t.regex(error.message, /localmcp-plugin-fixture-throws/);
});

test('a plugin built for another api version fails, naming both versions', async (t) => {
  const future = await tempPluginPackage(
    'localmcp-plugin-future',
    `export default { ${marker}, apiVersion: 2, kind: 'search', name: 'future', create: () => ({}) };`,
  );
  const logger = captureLogger();
  const registry = await loadPlugins([future, await fixtureCandidate('good-plugin')], { logger });
  const status = statusOf(registry.statuses(), 'search:future');
  t.is(status?.status, 'failed');
  t.regex(
    status?.error ?? '',
    /^\[plugin search:future\] load: built for plugin api version 2, but this localmcp speaks plugin api version 1/,
  );
  t.is(logger.records.find((r) => r.level === 'warn')?.fields['code'], ErrorCodes.PLUGIN_API_MISMATCH);
  t.truthy(registry.get('search', 'fixture'), 'the others load anyway');

  const error = await rejection(loadPlugins([future], { logger: captureLogger(), required: ['search:future'] }));
  t.is((error.cause as PluginError).code, ErrorCodes.PLUGIN_API_MISMATCH);
  await registry.close();
});

test('disabled plugins are not created; a disabled package is not even imported', async (t) => {
  const logger = captureLogger();
  const registry = await loadPlugins(
    [await fixtureCandidate('good-plugin'), await fixtureCandidate('throwing-plugin')],
    {
      logger,
      disabled: ['search:fixture', 'localmcp-plugin-fixture-throws'],
    },
  );
  t.deepEqual(
    registry.statuses().map((s) => [s.id ?? s.package, s.status]),
    [
      ['search:fixture', 'disabled'],
      ['localmcp-plugin-fixture-throws', 'disabled'],
    ],
  );
  t.is(registry.get('search', 'fixture'), undefined);
  t.false(
    logger.records.some((r) => r.message === 'fixture search created'),
    'create() was not called',
  );
  t.false(
    logger.records.some((r) => r.level === 'warn'),
    'the throwing module was not imported',
  );

  const error = await rejection(
    loadPlugins([await fixtureCandidate('good-plugin')], {
      logger: captureLogger(),
      disabled: ['search:fixture'],
      required: ['search:fixture'],
    }),
  );
  t.is(error.code, ErrorCodes.PLUGIN_LOAD_FAILED);
  t.regex(error.message, /disabled/);
});

test('duplicate ids: the first candidate wins, the other is failed with both packages named', async (t) => {
  const impostor = await tempPluginPackage(
    'localmcp-plugin-impostor',
    `export default { ${marker}, apiVersion: 1, kind: 'search', name: 'fixture',
       create: () => ({ upsert: async () => {}, remove: async () => {}, size: () => 1,
                        search: async () => [{ id: 'impostor', score: 1 }] }) };`,
  );
  const registry = await loadPlugins([await fixtureCandidate('good-plugin'), impostor], { logger: captureLogger() });
  const [first, second] = registry.statuses();
  t.is(first?.status, 'loaded');
  t.is(second?.status, 'failed');
  t.is(second?.package, 'localmcp-plugin-impostor');
  t.is(
    second?.error,
    '[plugin search:fixture] load: duplicate plugin id: localmcp-plugin-fixture-good already provides it, so the one in localmcp-plugin-impostor is ignored; uninstall one of them',
  );
  t.truthy((registry.get('search', 'fixture') as FixtureSearch).fixtureState, 'the registry holds the first');
  // Requiring the id is satisfied by the winner.
  await registry.close();
  const ok = await loadPlugins([await fixtureCandidate('good-plugin'), impostor], {
    logger: captureLogger(),
    required: ['search:fixture'],
  });
  t.is(ok.statuses().length, 2);
  await ok.close();
});

test('modules that are not plugins, broken manifests and wrong instances fail by name', async (t) => {
  const notAPlugin = await tempPluginPackage(
    'localmcp-plugin-plain',
    `export default { kind: 'search', name: 'plain', create() {} };`,
  );
  const noEntry = await tempPluginPackage('localmcp-plugin-no-entry', `export default null;`, {
    localmcp: { plugin: 42 },
  });
  // A search plugin written for the old text contract (index(tools) / search(query)).
  const wrongShape = await tempPluginPackage(
    'localmcp-plugin-wrong-shape',
    `export default { ${marker}, apiVersion: 1, kind: 'search', name: 'wrong-shape',
       create: () => ({ index: async () => {}, search: async () => [] }) };`,
  );
  const embedderWithoutId = await tempPluginPackage(
    'localmcp-plugin-no-id',
    `export default { ${marker}, apiVersion: 1, kind: 'embedder', name: 'no-id',
       create: () => ({ dimensions: '3', embed: async () => [] }) };`,
  );
  const unknownKind = await tempPluginPackage(
    'localmcp-plugin-unknown-kind',
    `export default { ${marker}, apiVersion: 1, kind: 'teleporter', name: 'x', create: () => ({}) };`,
  );
  const registry = await loadPlugins([notAPlugin, noEntry, wrongShape, unknownKind, embedderWithoutId], {
    logger: captureLogger(),
  });
  const errors = registry.statuses().map((s) => s.error);
  t.regex(
    errors[0] ?? '',
    /^\[plugin localmcp-plugin-plain\] load: the default export is not a plugin definition.*Symbol\.for\('localmcp\.plugin'\)/,
  );
  t.regex(errors[1] ?? '', /^\[plugin localmcp-plugin-no-entry\] load: package\.json field "localmcp\.plugin" must be/);
  t.is(errors[2], '[plugin search:wrong-shape] create: a search plugin must have upsert(), remove() and size()');
  t.regex(errors[3] ?? '', /^\[plugin teleporter:x\] load: unknown kind "teleporter"/);
  t.is(
    errors[4],
    '[plugin embedder:no-id] create: an embedder plugin must have id (a string) and dimensions (a number)',
  );
  t.true(registry.statuses().every((s) => s.status === 'failed'));
});

test('a module may export an array of definitions', async (t) => {
  const pair = await tempPluginPackage(
    'localmcp-plugin-pair',
    `const def = (name) => ({ ${marker}, apiVersion: 1, kind: 'embedder', name,
       create: () => ({ id: 'fixed:' + name, dimensions: name.length,
                        embed: async (texts) => texts.map(() => new Float32Array(name.length)) }) });
     export default [def('one'), def('three')];`,
  );
  const registry = await loadPlugins([pair], { logger: captureLogger() });
  t.deepEqual(
    registry.list('embedder').map((p) => [p.id, p.instance.dimensions]),
    [
      ['embedder:one', 3],
      ['embedder:three', 5],
    ],
  );
  await registry.close();
});

test('close() calls every close(), logging a failing one by name and hook instead of throwing', async (t) => {
  const failsToClose = await tempPluginPackage(
    'localmcp-plugin-sticky',
    `export default { ${marker}, apiVersion: 1, kind: 'embedder', name: 'sticky',
       create: () => ({ id: 'sticky', dimensions: 2, embed: async () => [],
                        close: async () => { throw new Error('still busy'); } }) };`,
  );
  const logger = captureLogger();
  const registry = await loadPlugins([failsToClose, await fixtureCandidate('good-plugin')], { logger });
  const search = registry.get('search', 'fixture') as FixtureSearch;
  await t.notThrowsAsync(registry.close());
  t.true(search.fixtureState.closed);
  const warning = logger.records.find((r) => r.level === 'warn');
  t.deepEqual(
    [warning?.fields['plugin'], warning?.fields['hook'], warning?.message],
    ['embedder:sticky', 'close', '[plugin embedder:sticky] close: still busy'],
  );
});
