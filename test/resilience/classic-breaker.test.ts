import test from 'ava';
import { ClassicBreaker } from '../../server/resilience/classic-breaker.js';
import type { CircuitOptionsInput } from '../../server/resilience/options.js';
import { ManualClock } from './manual-clock.js';

function circuit(options: CircuitOptionsInput = {}) {
  const clock = new ManualClock();
  const events: string[] = [];
  const breaker = new ClassicBreaker(
    { failureThreshold: 3, windowMs: 10_000, openMs: 1_000, openMultiplier: 2, maxOpenMs: 5_000, ...options },
    clock,
    (from, to, reason) => events.push(`${from}→${to} (${reason})`),
  );
  const fail = () => breaker.release(breaker.acquire()!, 'failure');
  const succeed = () => breaker.release(breaker.acquire()!, 'success');
  return { clock, events, breaker, fail, succeed };
}

test('CLOSED trips to OPEN when failures in the window reach the threshold, and OPEN refuses calls', (t) => {
  const { breaker, fail, succeed, events } = circuit();
  fail();
  succeed();
  fail();
  t.is(breaker.state, 'CLOSED', 'two failures are below the threshold of 3');
  fail();
  t.is(breaker.state, 'OPEN');
  t.is(breaker.acquire(), undefined);
  t.deepEqual(events, ['CLOSED→OPEN (failure-threshold)']);
});

test('failures older than the window no longer count', async (t) => {
  const { breaker, fail, clock } = circuit();
  fail();
  fail();
  await clock.advance(11_000);
  fail();
  fail();
  t.is(breaker.state, 'CLOSED', 'the first two failures left the window');
  fail();
  t.is(breaker.state, 'OPEN');
});

test('the failure ratio trips only once the minimum number of calls was seen', (t) => {
  const { breaker, fail, events } = circuit({ failureThreshold: 0, failureRatio: 0.5, minimumCalls: 4 });
  fail();
  fail();
  fail();
  t.is(breaker.state, 'CLOSED', '3 calls are below minimumCalls, even at 100% failures');
  fail();
  t.is(breaker.state, 'OPEN', 'the fourth call reaches minimumCalls');
  t.deepEqual(events, ['CLOSED→OPEN (failure-ratio)']);
});

test('the failure ratio trips at the ratio, with its own reason', (t) => {
  const { breaker, fail, succeed, events } = circuit({ failureThreshold: 0, failureRatio: 0.6, minimumCalls: 4 });
  succeed();
  succeed();
  fail();
  fail();
  t.is(breaker.state, 'CLOSED', '2/4 < 0.6');
  fail();
  t.is(breaker.state, 'OPEN', '3/5 ≥ 0.6');
  t.deepEqual(events, ['CLOSED→OPEN (failure-ratio)']);
});

test('ignored outcomes neither count as failures nor as calls', (t) => {
  const { breaker, fail } = circuit();
  for (let i = 0; i < 10; i++) breaker.release(breaker.acquire()!, 'ignore');
  fail();
  fail();
  t.is(breaker.state, 'CLOSED');
});

test('OPEN waits openMs · multiplier^(trips-1), capped at maxOpenMs, before HALF_OPEN', async (t) => {
  const { breaker, fail, clock, events } = circuit();
  const waits: number[] = [];
  fail();
  fail();
  fail();
  for (let trip = 1; trip <= 5; trip++) {
    t.is(breaker.state, 'OPEN');
    const wait = breaker.retryAfterMs()!;
    waits.push(wait);
    await clock.advance(wait - 1);
    t.is(breaker.state, 'OPEN', `trip ${trip}: still OPEN 1 ms before the wait ends`);
    t.is(breaker.acquire(), undefined);
    await clock.advance(1);
    t.is(breaker.state, 'HALF_OPEN', `trip ${trip}: HALF_OPEN when the wait ends`);
    fail(); // the trial fails: the next trip
  }
  t.deepEqual(waits, [1_000, 2_000, 4_000, 5_000, 5_000]);
  t.is(breaker.openDelay(3), 4_000);
  t.deepEqual(events.slice(0, 3), [
    'CLOSED→OPEN (failure-threshold)',
    'OPEN→HALF_OPEN (open-elapsed)',
    'HALF_OPEN→OPEN (trial-failed)',
  ]);
});

test('closing resets the trip count, so the next trip waits openMs again', async (t) => {
  const { breaker, fail, succeed, clock } = circuit();
  for (let i = 0; i < 3; i++) fail();
  await clock.advance(1_000);
  fail(); // trip 2
  t.is(breaker.retryAfterMs(), 2_000);
  await clock.advance(2_000);
  succeed();
  t.is(breaker.state, 'CLOSED');
  for (let i = 0; i < 3; i++) fail();
  t.is(breaker.retryAfterMs(), 1_000);
});

test('HALF_OPEN admits halfOpenMaxCalls trials; halfOpenSuccesses successes close it', async (t) => {
  const { breaker, fail, clock, events } = circuit({ halfOpenMaxCalls: 3, halfOpenSuccesses: 2 });
  for (let i = 0; i < 3; i++) fail();
  await clock.advance(1_000);
  const trials = [breaker.acquire(), breaker.acquire(), breaker.acquire()];
  t.true(trials.every((permit) => permit?.trial === true));
  t.is(breaker.acquire(), undefined, 'a fourth concurrent trial is refused');
  breaker.release(trials[0]!, 'ignore');
  const again = breaker.acquire();
  t.truthy(again, 'an ignored trial frees its slot');
  t.is(breaker.acquire(), undefined);
  breaker.release(trials[1]!, 'success');
  t.is(breaker.state, 'HALF_OPEN', 'one success of the two needed');
  t.is(breaker.acquire(), undefined, 'a succeeded trial still uses its slot');
  breaker.release(trials[2]!, 'success');
  t.is(breaker.state, 'CLOSED');
  t.is(events.at(-1), 'HALF_OPEN→CLOSED (trials-succeeded)');
  breaker.release(again!, 'failure');
  t.is(breaker.state, 'CLOSED', 'a trial that ends after the circuit closed does not count');
});

test('any failed trial reopens HALF_OPEN, even after successes', async (t) => {
  const { breaker, fail, clock } = circuit({ halfOpenMaxCalls: 3, halfOpenSuccesses: 3 });
  for (let i = 0; i < 3; i++) fail();
  await clock.advance(1_000);
  const [a, b] = [breaker.acquire()!, breaker.acquire()!];
  breaker.release(a, 'success');
  breaker.release(b, 'failure');
  t.is(breaker.state, 'OPEN');
  t.is(breaker.retryAfterMs(), 2_000, 'the second trip waits twice as long');
});

test('a call granted while CLOSED that fails after the circuit opened is not counted again', async (t) => {
  const { breaker, fail, clock } = circuit();
  const slow = breaker.acquire()!;
  for (let i = 0; i < 3; i++) fail();
  await clock.advance(1_000);
  t.is(breaker.state, 'HALF_OPEN');
  breaker.release(slow, 'failure');
  t.is(breaker.state, 'HALF_OPEN', 'the stale failure belongs to the earlier CLOSED period');
});

test('snapshot and restore keep the state, the OPEN deadline and the trip count', async (t) => {
  const a = circuit();
  for (let i = 0; i < 3; i++) a.fail();
  await a.clock.advance(1_000);
  a.fail(); // trip 2: OPEN for 2000 ms
  await a.clock.advance(500);
  const snapshot = JSON.parse(JSON.stringify(a.breaker.toJSON()));
  t.is(snapshot.state, 'OPEN');
  t.is(snapshot.trips, 2);

  const b = circuit();
  await b.clock.advance(a.clock.now() - b.clock.now());
  b.breaker.restore(snapshot);
  t.deepEqual(b.events, ['CLOSED→OPEN (restore)']);
  t.deepEqual(b.breaker.toJSON(), snapshot);
  t.is(b.breaker.retryAfterMs(), 1_500);
  await b.clock.advance(1_500);
  t.is(b.breaker.state, 'HALF_OPEN');
  b.fail();
  t.is(b.breaker.retryAfterMs(), 4_000, 'the restored trip count sets the next wait');
});

test('reset closes the circuit and forgets failures and trips', async (t) => {
  const { breaker, fail, clock, events } = circuit();
  for (let i = 0; i < 3; i++) fail();
  await clock.advance(1_000);
  fail();
  breaker.reset();
  t.is(breaker.state, 'CLOSED');
  t.is(events.at(-1), 'OPEN→CLOSED (reset)');
  fail();
  fail();
  t.is(breaker.state, 'CLOSED', 'the window was cleared');
  fail();
  t.is(breaker.retryAfterMs(), 1_000, 'the trip count was cleared');
});

test('options are validated', (t) => {
  const clock = new ManualClock();
  t.throws(() => new ClassicBreaker({ failureThreshold: 0 }, clock), { message: /can never trip/ });
  t.throws(() => new ClassicBreaker({ halfOpenMaxCalls: 1, halfOpenSuccesses: 2 }, clock), {
    message: /halfOpenSuccesses/,
  });
});
