// Rate limiting per API key across two real `localmcp serve` processes sharing a private Redis: the requests let
// through by both together match one token bucket (capacity + refill × elapsed) within 5 %, under concurrency;
// refusals are 429 with Retry-After.
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, tempDir, writeConfig, type GatewayProcess } from '../helpers/gateway.js';
import { startRedis } from '../helpers/redis.js';

// Tokens are lost only while the bucket is full, so a slow refill (a full bucket is 4 s of refill) keeps the count
// exact even when a loaded CI machine stalls the client for a while; 16 loops keep the demand far above 25/s.
const CAPACITY = 100;
const REFILL = 25;
const DURATION_MS = 4_000;
const PARALLEL = 16;

test('two gateways on one Redis share each key’s bucket: allowed requests within 5 % of the bucket', async (t) => {
  t.timeout(120_000);
  const redis = await startRedis();
  const dataDir = await tempDir('localmcp-ratelimit-');
  const keys = new KeyStore(keyFilePath(dataDir));
  const { key } = await keys.create({ name: 'limited', scopes: ['server:*'] });
  const { key: other } = await keys.create({ name: 'other', scopes: ['server:*'] });
  const file = await writeConfig({
    redis: { url: redis.url, keyPrefix: `rl-test-${process.pid}:` },
    security: { rateLimit: { perKey: { capacity: CAPACITY, refillPerSecond: REFILL } } },
    mcpServers: { alpha: stdioFixtureConfig({ FIXTURE_NAME: 'alpha' }) },
  });
  const gateways: GatewayProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      gateways.push(await spawnGateway(['--config', file], { LOCALMCP_DATA_DIR: dataDir }));
    }
    // A POST the limiter counts and the gateway answers cheaply (no session: 400 once past the limiter).
    const post = (url: string, token: string) =>
      fetch(`${url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });

    // Warm up with the other key: connections open, keys.json read and Redis scripts loaded in both processes, so
    // the timed window measures the bucket and not start-up latency.
    await Promise.all(
      Array.from({ length: PARALLEL * 2 }, async (_, i) => (await post(gateways[i % 2]!.url, other)).body?.cancel()),
    );

    let allowed = 0;
    let limited = 0;
    const perGateway = [0, 0];
    let retryAfter: string | null = null;
    const started = performance.now();
    const deadline = started + DURATION_MS;
    const loop = async (index: number) => {
      const g = index % 2;
      while (performance.now() < deadline) {
        const response = await post(gateways[g]!.url, key);
        await response.body?.cancel();
        if (response.status === 429) {
          limited++;
          retryAfter ??= response.headers.get('retry-after');
        } else {
          allowed++;
          perGateway[g]!++;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, (_, i) => loop(i)));
    const elapsed = performance.now() - started;
    const expected = CAPACITY + (REFILL * elapsed) / 1000;
    const error = Math.abs(allowed - expected) / expected;
    t.log(
      `allowed ${allowed} (gateway 1: ${perGateway[0]}, gateway 2: ${perGateway[1]}), limited ${limited}, ` +
        `expected ${expected.toFixed(1)} over ${elapsed.toFixed(0)} ms: ${(error * 100).toFixed(2)} % off`,
    );
    t.true(limited > allowed, 'the demand was well over the limit');
    t.true(perGateway[0]! > 0 && perGateway[1]! > 0);
    t.true(error <= 0.05, `allowed ${allowed}, expected ${expected.toFixed(1)}`);
    t.true(Number(retryAfter) >= 1, `Retry-After: ${retryAfter}`);

    // Another key has its own bucket (32 of its 100 tokens went to the warm-up).
    const fresh = await post(gateways[1]!.url, other);
    t.not(fresh.status, 429);
    await fresh.body?.cancel();
    // Once the bucket has refilled, the key is let through again.
    await sleep(1_100);
    const again = await post(gateways[0]!.url, key);
    t.not(again.status, 429);
    await again.body?.cancel();
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
    await redis.stop();
  }
});
