import test from 'ava';
import { LocalTokenBucket } from '../../server/security/rate-limit.js';

function clocked(capacity: number, refillPerSecond: number) {
  let now = 1_000;
  const bucket = new LocalTokenBucket({ capacity, refillPerSecond }, { now: () => now });
  return { bucket, advance: (ms: number) => (now += ms) };
}

test('a full bucket allows its capacity at once, then refuses with the time until the next token', async (t) => {
  const { bucket } = clocked(5, 2);
  const decisions = await Promise.all(Array.from({ length: 7 }, () => bucket.take('key:a')));
  t.deepEqual(
    decisions.map((d) => d.allowed),
    [true, true, true, true, true, false, false],
  );
  t.like(decisions[4], { remaining: 0, retryAfterMs: 0, limit: 5 });
  t.like(decisions[5], { allowed: false, retryAfterMs: 500 });
});

test('tokens come back at the refill rate and never beyond capacity', (t) => {
  const { bucket, advance } = clocked(3, 1);
  for (let i = 0; i < 3; i += 1) t.true(bucket.takeNow('k').allowed);
  advance(999);
  t.false(bucket.takeNow('k').allowed);
  advance(1);
  t.true(bucket.takeNow('k').allowed);
  advance(60_000);
  const allowed = Array.from({ length: 5 }, () => bucket.takeNow('k').allowed).filter(Boolean).length;
  t.is(allowed, 3, 'an idle minute refills to capacity, not 60');
});

test('keys have separate buckets; a request may cost more than one token', (t) => {
  const { bucket } = clocked(4, 1);
  t.true(bucket.takeNow('a', 4).allowed);
  t.false(bucket.takeNow('a').allowed);
  t.true(bucket.takeNow('b').allowed);
  t.like(bucket.takeNow('b', 5), { allowed: false, retryAfterMs: 2000 });
});

test('a bucket needs a positive capacity and rate', (t) => {
  t.throws(() => new LocalTokenBucket({ capacity: 0, refillPerSecond: 1 }));
  t.throws(() => new LocalTokenBucket({ capacity: 1, refillPerSecond: 0 }));
});
