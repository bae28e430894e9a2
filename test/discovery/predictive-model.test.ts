// The transition model alone: smoothing, bounded memory, decay and its snapshot; and the ranking boost.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { pino } from 'pino';
import { Catalog } from '../../server/catalog/catalog.js';
import { ArgumentValidator } from '../../server/discovery/argument-validator.js';
import { PredictiveService } from '../../server/discovery/predictive/predictive-service.js';
import { fileTransitionsStore } from '../../server/discovery/predictive/store.js';
import { EMPTY_LISTS } from '../../server/upstream/lists.js';
import { boostSuccessors } from '../../server/discovery/predictive/boost.js';
import { ToolTransitions } from '../../server/discovery/predictive/transitions.js';
import { PredictiveSchema } from '../../server/config/predictive-schema.js';

test('probabilities are Laplace-smoothed over the successors seen plus one bucket for any other tool', (t) => {
  const model = new ToolTransitions({ maxSuccessors: 8 });
  t.is(model.probability('a', 'b'), 0, 'nothing known about a');
  model.observe('a', 'b');
  t.is(model.probability('a', 'b'), 2 / 3);
  t.is(model.probability('a', 'z'), 1 / 3);
  model.observe('a', 'b');
  model.observe('a', 'b');
  model.observe('a', 'c');
  // total 4, two successors: (3 + 1) / (4 + 2 + 1)
  t.is(model.probability('a', 'b'), 4 / 7);
  t.is(model.probability('a', 'c'), 2 / 7);
  t.deepEqual(
    model.successors('a').map((s) => [s.tool, s.count]),
    [
      ['b', 3],
      ['c', 1],
    ],
  );
  t.deepEqual(
    model.successors('a', { minCount: 2 }).map((s) => s.tool),
    ['b'],
  );
  t.deepEqual(
    model.successors('a', { minProbability: 0.5 }).map((s) => s.tool),
    ['b'],
  );
});

test('memory is bounded: top-k successors per tool, a cap on tools, and counts decay', (t) => {
  const model = new ToolTransitions({ maxSuccessors: 3, maxTools: 2, decayAt: 10 });
  for (const [next, times] of [
    ['b', 5],
    ['c', 3],
    ['d', 2],
  ] as const) {
    for (let i = 0; i < times; i++) model.observe('a', next);
  }
  model.observe('a', 'e'); // evicts d, the weakest
  t.deepEqual(
    model.successors('a').map((s) => s.tool),
    ['b', 'c', 'e'],
  );
  // The evicted count stays in the total: b is not made to look likelier than it is.
  // total reached 11 > decayAt 10: everything halved (b 2.5, c 1.5, e 0.5, total 5.5 with d's share)
  t.is(model.successors('a')[0]!.count, 2.5);
  t.is(model.probability('a', 'b'), (2.5 + 1) / (5.5 + 3 + 1));

  model.observe('x', 'y');
  model.observe('p', 'q'); // a third tool: the least recently updated row (a) goes
  t.is(model.size, 2);
  t.deepEqual(model.successors('a'), []);
  t.is(model.successors('x').length, 1);
});

test('a snapshot restores the same model, cut to the limits of the one it is loaded into', (t) => {
  const model = new ToolTransitions({ maxSuccessors: 8 });
  for (let i = 0; i < 4; i++) model.observe('a', 'b');
  model.observe('a', 'c');
  model.observe('b', 'c');
  const snapshot = JSON.parse(JSON.stringify(model.toJSON())) as unknown;
  const copy = new ToolTransitions({ maxSuccessors: 8 });
  t.true(copy.restore(snapshot));
  t.deepEqual(copy.toJSON(), model.toJSON());
  t.is(copy.probability('a', 'b'), model.probability('a', 'b'));
  const small = new ToolTransitions({ maxSuccessors: 1 });
  t.true(small.restore(snapshot));
  t.deepEqual(
    small.successors('a').map((s) => s.tool),
    ['b'],
  );
  t.false(new ToolTransitions({ maxSuccessors: 8 }).restore({ version: 99, rows: [] }));
});

test('the boost re-ranks likely successors, bounded by the weight, and says why', (t) => {
  const results = [
    { name: 'x', score: 10, reason: 'name matches' },
    { name: 'y', score: 8, reason: 'description matches' },
    { name: 'z', score: 2, reason: 'description matches' },
  ];
  const successors = [
    { tool: 'y', count: 9, probability: 0.9 },
    { tool: 'z', count: 9, probability: 0.9 },
  ];
  const ranked = boostSuccessors(results, 'a', successors, 0.5, 3);
  t.deepEqual(
    ranked.map((r) => r.name),
    ['y', 'x', 'z'],
    'y (8 × 1.45) passes x; z (2 × 1.45) stays last',
  );
  t.is(ranked[0]!.score, 11.6);
  t.regex(ranked[0]!.reason, /^description matches; often follows a \(90%\)$/);
  t.is(ranked[1], results[0], 'unboosted results are untouched');
  t.deepEqual(boostSuccessors(results, 'a', successors, 0, 2), results.slice(0, 2), 'weight 0: no change');
});

test('the config section is validated, with conservative defaults', (t) => {
  t.deepEqual(PredictiveSchema.parse({}), {
    enabled: true,
    boost: 0.5,
    minProbability: 0.5,
    minCount: 2,
    maxSuccessors: 8,
    prefetch: false,
    persist: true,
  });
  t.is(PredictiveSchema.parse({ boost: '0.25', enabled: 'false' }).boost, 0.25);
  t.false(PredictiveSchema.safeParse({ boost: 3 }).success);
  t.false(PredictiveSchema.safeParse({ minProbability: -0.1 }).success);
  t.false(PredictiveSchema.safeParse({ maxSuccessors: 0 }).success);
});

test('a warming that throws is logged, never an unhandled rejection', async (t) => {
  const catalog = new Catalog();
  const readOnly = (name: string) => ({
    name,
    description: name,
    inputSchema: { type: 'object' as const, properties: {} },
    annotations: { readOnlyHint: true },
  });
  catalog.update('s', 's', { ...EMPTY_LISTS, tools: [readOnly('a'), readOnly('b')] }, ['tools']);
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const service = new PredictiveService({
    config: PredictiveSchema.parse({ prefetch: true, minCount: 1, minProbability: 0.1 }),
    catalog,
    validator: new ArgumentValidator(),
    prefetch: {
      decide: () => {
        throw new Error('the cache is gone');
      },
      call: async () => undefined,
    },
    logger,
  });
  for (let i = 0; i < 3; i++) {
    service.observe('session', 's__a');
    service.observe('session', 's__b');
  }
  service.observe('session', 's__a');
  await t.notThrowsAsync(service.settled());
  t.true(warnings.some((line) => line.includes('warming failed') && line.includes('the cache is gone')));
});

test('a call whose likely successors are already warm schedules no warming', async (t) => {
  const catalog = new Catalog();
  const plain = (name: string) => ({
    name,
    description: name,
    inputSchema: { type: 'object' as const, properties: {} },
  });
  catalog.update('s', 's', { ...EMPTY_LISTS, tools: [plain('a'), plain('b')] }, ['tools']);
  const validator = new ArgumentValidator();
  const service = new PredictiveService({
    config: PredictiveSchema.parse({ minCount: 1, minProbability: 0.1 }),
    catalog,
    validator,
  });
  service.observe('session', 's__a');
  service.observe('session', 's__b'); // learns a → b
  service.observe('session', 's__a'); // b is likely next: its validator is compiled
  await service.settled();
  t.true(validator.isPrepared(catalog.resolveTool('s__b')!.item.inputSchema as Record<string, unknown>));
  t.is(service.stats().warmedValidators, 1);
  const before = service.settled();
  service.observe('other', 's__a');
  t.is(service.settled(), before, 'nothing left to warm after a: no work scheduled');
});

test('two processes on one data dir add to each other’s learning instead of overwriting it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-predictive-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const catalog = new Catalog();
  const plain = (name: string) => ({
    name,
    description: name,
    inputSchema: { type: 'object' as const, properties: {} },
  });
  catalog.update('s', 's', { ...EMPTY_LISTS, tools: ['a', 'b', 'c', 'd'].map(plain) }, ['tools']);
  const worker = () =>
    new PredictiveService({
      config: PredictiveSchema.parse({}),
      catalog,
      validator: new ArgumentValidator(),
      store: fileTransitionsStore(dir),
    });
  const [one, two] = [worker(), worker()];
  for (let i = 0; i < 3; i++) {
    one.observe(`one-${i}`, 's__a');
    one.observe(`one-${i}`, 's__b'); // a → b, learned by the first
    two.observe(`two-${i}`, 's__c');
    two.observe(`two-${i}`, 's__d'); // c → d, learned by the second
  }
  await Promise.all([one.flush(), two.flush()]); // at the same time: the lock serialises them
  const successorsOf = (service: PredictiveService, tool: string) =>
    service.transitions.successors(tool).map((s) => [s.tool, s.count]);
  const later = worker();
  await later.load();
  t.deepEqual(successorsOf(later, 's__a'), [['s__b', 3]]);
  t.deepEqual(successorsOf(later, 's__c'), [['s__d', 3]]);
  // The one that saved second took the merged model as its own (the other will at its next save).
  t.true(
    [one, two].some((w) => successorsOf(w, 's__a').length === 1 && successorsOf(w, 's__c').length === 1),
    'a worker holds both workers’ learning',
  );
  // A second save adds what is new, rather than adding everything again.
  one.observe('one-new', 's__b');
  one.observe('one-new', 's__a'); // b → a
  await one.flush();
  await two.flush(); // nothing new: writes nothing
  const last = worker();
  await last.load();
  t.deepEqual(successorsOf(last, 's__a'), [['s__b', 3]]);
  t.deepEqual(successorsOf(last, 's__b'), [['s__a', 1]]);
});
