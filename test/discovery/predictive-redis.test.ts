// Predictive pre-loading with `redis` configured: every process on one Redis adds to one model (a private
// redis-server for this file), and Redis being down costs the learning nothing.
import test from 'ava';
import { Redis } from 'ioredis';
import { Catalog } from '../../server/catalog/catalog.js';
import { PredictiveSchema } from '../../server/config/predictive-schema.js';
import { ArgumentValidator } from '../../server/discovery/argument-validator.js';
import { PredictiveService } from '../../server/discovery/predictive/predictive-service.js';
import { redisTransitionsStore } from '../../server/discovery/predictive/store.js';
import { EMPTY_LISTS } from '../../server/upstream/lists.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

const PREFIX = 'predictive-test:';

function catalogOf(...names: string[]): Catalog {
  const catalog = new Catalog();
  const tool = (name: string) => ({
    name,
    description: name,
    inputSchema: { type: 'object' as const, properties: {} },
  });
  catalog.update('s', 's', { ...EMPTY_LISTS, tools: names.map(tool) }, ['tools']);
  return catalog;
}

const serviceOn = (redis: Redis, catalog: Catalog) =>
  new PredictiveService({
    config: PredictiveSchema.parse({}),
    catalog,
    validator: new ArgumentValidator(),
    store: redisTransitionsStore(redis, PREFIX),
  });

const successorsOf = (service: PredictiveService, tool: string) =>
  service.transitions.successors(tool).map((s) => [s.tool, s.count]);

test('processes on one Redis add to one model: concurrent saves add up, a new process loads it all', async (t) => {
  const server = await startRedis();
  t.teardown(() => server.stop());
  const connections = [0, 1, 2].map(() => new Redis(server.url, { maxRetriesPerRequest: 1 }));
  t.teardown(() => connections.forEach((c) => c.disconnect()));
  const catalog = catalogOf('a', 'b', 'c', 'd');
  const [one, two, three] = connections.map((c) => serviceOn(c, catalog)) as [
    PredictiveService,
    PredictiveService,
    PredictiveService,
  ];
  for (let i = 0; i < 4; i++) {
    one.observe(`one-${i}`, 's__a');
    one.observe(`one-${i}`, 's__b');
    two.observe(`two-${i}`, 's__c');
    two.observe(`two-${i}`, 's__d');
  }
  await Promise.all([one.flush(), two.flush()]);
  await three.load();
  t.deepEqual(successorsOf(three, 's__a'), [['s__b', 4]]);
  t.deepEqual(successorsOf(three, 's__c'), [['s__d', 4]]);
  t.is(await connections[2]!.exists(`${PREFIX}predictive:transitions:lock`), 0, 'the lock was released');
});

test('with Redis down nothing is lost: learning goes on in memory and is saved once Redis is back', async (t) => {
  const server = await startRedis();
  t.teardown(() => server.stop());
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  t.teardown(() => redis.disconnect());
  const catalog = catalogOf('a', 'b');
  const service = serviceOn(redis, catalog);
  await server.kill();
  await t.notThrowsAsync(service.load(), 'a start with Redis down loads nothing and goes on');
  for (let i = 0; i < 3; i++) {
    service.observe(`s-${i}`, 's__a');
    service.observe(`s-${i}`, 's__b');
  }
  await t.notThrowsAsync(service.flush(), 'a failed save is logged, not thrown');
  t.deepEqual(successorsOf(service, 's__a'), [['s__b', 3]], 'still predicting from memory');
  await server.restart();
  const fresh = new Redis(server.url);
  t.teardown(() => fresh.disconnect());
  // ioredis reconnects on its own; each save until then fails and keeps the transitions for the next.
  await waitFor(
    async () => {
      await service.flush();
      return (await fresh.exists(`${PREFIX}predictive:transitions`)) === 1;
    },
    { message: 'a save once Redis is back' },
  );
  const later = serviceOn(fresh, catalog);
  await later.load();
  t.deepEqual(successorsOf(later, 's__a'), [['s__b', 3]], 'the transitions kept across the outage were saved');
});
