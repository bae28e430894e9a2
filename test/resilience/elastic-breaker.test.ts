import test from 'ava';
import { ElasticBreaker, type ElasticDeps } from '../../server/resilience/elastic-breaker.js';
import { CIRCUIT_OPEN, isCircuitOpenError } from '../../server/resilience/errors.js';
import type { TransitionEvent } from '../../server/resilience/events.js';
import type { ElasticOptionsInput } from '../../server/resilience/options.js';
import { describeEvents, failing, failTimes, ok, upstream } from './helpers.js';
import { ManualClock } from './manual-clock.js';

const S = { server: 's' };
const GOOD = { server: 's', tool: 'good' };
const BAD = { server: 's', tool: 'bad' };

// Server: 2 failures trip, OPEN 1000 ms doubling. 3 trips deconstruct. Tools: 2 failures isolate for 5000 ms.
// Probes every 1000 ms doubling to 4000 (random = 1 pins the jitter to the cap), each bounded to 200 ms.
function elastic(options: ElasticOptionsInput = {}, deps: ElasticDeps = {}) {
  const clock = new ManualClock();
  const probes: number[] = [];
  let probeResult: () => Promise<unknown> = () => Promise.reject(new Error('still down'));
  const breaker = new ElasticBreaker(
    {
      server: { failureThreshold: 2, openMs: 1_000, openMultiplier: 2, maxOpenMs: 60_000 },
      tool: { failureThreshold: 2, openMs: 5_000 },
      deconstructAfterTrips: 3,
      tripWindowMs: 60_000,
      probeIntervalMs: 1_000,
      maxProbeIntervalMs: 4_000,
      probeTimeoutMs: 200,
      ...options,
    },
    {
      clock,
      random: () => 1,
      probe: (server) => {
        probes.push(clock.now());
        return server === 's' ? probeResult() : Promise.resolve();
      },
      ...deps,
    },
  );
  const events: TransitionEvent[] = [];
  breaker.onTransition((event) => events.push(event));
  return {
    clock,
    breaker,
    events,
    probes,
    setProbe(result: () => Promise<unknown>) {
      probeResult = result;
    },
  };
}

/** Drives `s` from CLOSED through three trips into DECONSTRUCTED. */
async function deconstruct(ctx: ReturnType<typeof elastic>): Promise<void> {
  await failTimes(ctx.breaker, S, 2); // trip 1: OPEN 1000
  await ctx.clock.advance(1_000);
  await failTimes(ctx.breaker, S, 1); // trial fails, trip 2: OPEN 2000
  await ctx.clock.advance(2_000);
  await failTimes(ctx.breaker, S, 1); // trial fails, trip 3: DECONSTRUCTED
}

test('an OPEN server fails fast with a CIRCUIT_OPEN error and the call is never made', async (t) => {
  const { breaker } = elastic();
  await failTimes(breaker, S, 2);
  const call = upstream(ok);
  const error = await t.throwsAsync(breaker.execute(GOOD, call.call));
  t.is(call.calls, 0);
  if (!isCircuitOpenError(error)) return t.fail('not a circuit-open error');
  t.is(error.code as string, CIRCUIT_OPEN);
  t.like(error.data, { server: 's', state: 'OPEN', retryAfterMs: 1_000 });
  t.regex(error.message, /upstream "s" is unavailable \(circuit OPEN\); retry in 1 s/);
});

test('the call’s own result and error pass through unchanged', async (t) => {
  const { breaker } = elastic();
  t.is(await breaker.execute(GOOD, ok), 'ok');
  const thrown = await t.throwsAsync(breaker.execute(GOOD, failing));
  t.regex(thrown!.message, /did not answer/);
});

test('every transition up to DECONSTRUCTED, with exponential OPEN waits', async (t) => {
  const ctx = elastic();
  const { breaker, clock, events } = ctx;
  await failTimes(breaker, S, 2);
  t.is(breaker.state(S), 'OPEN');
  await clock.advance(999);
  t.is(breaker.state(S), 'OPEN');
  await clock.advance(1);
  t.is(breaker.state(S), 'HALF_OPEN');
  await failTimes(breaker, S, 1);
  t.is(breaker.state(S), 'OPEN');
  await clock.advance(1_999);
  t.is(breaker.state(S), 'OPEN', 'the second wait is openMs · 2');
  await clock.advance(1);
  t.is(breaker.state(S), 'HALF_OPEN');
  await failTimes(breaker, S, 1);
  t.is(breaker.state(S), 'DECONSTRUCTED');
  t.deepEqual(describeEvents(events), [
    's CLOSED→OPEN (failure-threshold)',
    's OPEN→HALF_OPEN (open-elapsed)',
    's HALF_OPEN→OPEN (trial-failed)',
    's OPEN→HALF_OPEN (open-elapsed)',
    's HALF_OPEN→DECONSTRUCTED (repeated-trips)',
  ]);
  t.is(events[0]!.at, events[1]!.at - 1_000);
  t.is(events[2]!.at, events[3]!.at - 2_000);
});

test('trips spread wider than tripWindowMs do not deconstruct', async (t) => {
  const { breaker, clock } = elastic({ tripWindowMs: 2_500 });
  await failTimes(breaker, S, 2); // trip at 0
  await clock.advance(1_000);
  await failTimes(breaker, S, 1); // trip at 1000, OPEN 2000
  await clock.advance(2_000);
  await failTimes(breaker, S, 1); // trip at 3000: the first is out of the window
  t.is(breaker.state(S), 'OPEN');
});

test('DECONSTRUCTED isolates a failing tool while a sibling tool on the same server keeps working', async (t) => {
  const ctx = elastic();
  const { breaker, events } = ctx;
  await deconstruct(ctx);
  const good = upstream(ok);
  const bad = upstream(failing);
  for (let i = 0; i < 5; i++) {
    t.is(await breaker.execute(GOOD, good.call), 'ok');
    await breaker.execute(BAD, bad.call).catch(() => undefined);
  }
  t.is(good.calls, 5, 'every call to the healthy tool went through');
  t.is(bad.calls, 2, 'the failing tool was isolated after its threshold of 2');
  t.is(breaker.state(GOOD), 'CLOSED');
  t.is(breaker.state(BAD), 'OPEN');
  t.is(breaker.state(S), 'DECONSTRUCTED');
  const refused = await t.throwsAsync(breaker.execute(BAD, bad.call));
  if (!isCircuitOpenError(refused)) return t.fail('not a circuit-open error');
  t.like(refused.data, { server: 's', tool: 'bad', state: 'OPEN', retryAfterMs: 5_000 });
  t.regex(refused.message, /tool "bad" of upstream "s"/);
  t.deepEqual(describeEvents(events).at(-1), 's/bad CLOSED→OPEN (failure-threshold)');
});

test('an isolated tool gets its own half-open trial after its wait', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  await failTimes(ctx.breaker, BAD, 2);
  ctx.setProbe(() => new Promise(() => {})); // keep the server deconstructed
  await ctx.clock.advance(4_999);
  t.is(ctx.breaker.state(BAD), 'OPEN');
  await ctx.clock.advance(1);
  t.is(ctx.breaker.state(BAD), 'HALF_OPEN');
  t.is(await ctx.breaker.execute(BAD, ok), 'ok');
  t.is(ctx.breaker.state(BAD), 'CLOSED');
  t.is(ctx.breaker.state(S), 'DECONSTRUCTED');
});

test('a failing probe keeps the server DECONSTRUCTED and is retried with growing spacing', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  const start = ctx.clock.now();
  await ctx.clock.advance(20_000);
  t.deepEqual(
    ctx.probes.map((at) => at - start),
    [1_000, 3_000, 7_000, 11_000, 15_000, 19_000],
    'spacing 1000, 2000, 4000, then capped at 4000',
  );
  t.is(ctx.breaker.state(S), 'DECONSTRUCTED');
});

test('a hanging probe is cut off by probeTimeoutMs and the next one is scheduled', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  ctx.setProbe(() => new Promise(() => {}));
  const start = ctx.clock.now();
  await ctx.clock.advance(1_000);
  t.is(ctx.probes.length, 1);
  await ctx.clock.advance(200);
  t.deepEqual(ctx.clock.pending(), [2_000], 'after the timeout, the second probe is 2000 ms away');
  ctx.setProbe(() => Promise.resolve());
  await ctx.clock.advance(2_000);
  t.deepEqual(
    ctx.probes.map((at) => at - start),
    [1_000, 3_200],
  );
  t.is(ctx.breaker.state(S), 'HALF_OPEN');
});

test('a passing probe leads through HALF_OPEN to CLOSED, and tool circuits are dropped', async (t) => {
  const ctx = elastic();
  const { breaker, clock, events } = ctx;
  await deconstruct(ctx);
  await failTimes(breaker, BAD, 2);
  ctx.setProbe(() => Promise.resolve('pong'));
  await clock.advance(1_000);
  t.is(breaker.state(S), 'HALF_OPEN');
  t.is(breaker.state(BAD), 'OPEN', 'while recovering, isolated tools stay isolated');
  t.is(await breaker.execute(GOOD, ok), 'ok');
  t.is(breaker.state(S), 'CLOSED');
  t.is(breaker.state(BAD), 'CLOSED', 'the server closed: no more per-tool circuits');
  t.deepEqual(describeEvents(events).slice(-2), [
    's DECONSTRUCTED→HALF_OPEN (probe-succeeded)',
    's HALF_OPEN→CLOSED (trials-succeeded)',
  ]);
  t.deepEqual(clock.pending(), [], 'no probe is scheduled once CLOSED');
  const bad = upstream(ok);
  t.is(await breaker.execute(BAD, bad.call), 'ok');
  t.is(bad.calls, 1);
});

test('while recovering, healthy tools beyond the trial slots stay callable', async (t) => {
  const ctx = elastic({ server: { failureThreshold: 2, openMs: 1_000, halfOpenMaxCalls: 1, halfOpenSuccesses: 1 } });
  await deconstruct(ctx);
  ctx.setProbe(() => Promise.resolve());
  await ctx.clock.advance(1_000);
  let release!: () => void;
  const trial = ctx.breaker.execute(GOOD, () => new Promise<string>((resolve) => (release = () => resolve('t'))));
  const other = upstream(ok);
  t.is(await ctx.breaker.execute({ server: 's', tool: 'other' }, other.call), 'ok');
  t.is(other.calls, 1, 'the trial slot is taken, but the tool circuit admits the call');
  t.is(ctx.breaker.state(S), 'HALF_OPEN', 'a non-trial success does not close the server');
  release();
  t.is(await trial, 't');
  t.is(ctx.breaker.state(S), 'CLOSED');
});

test('a failed trial while recovering goes back to DECONSTRUCTED, keeping the isolated tools', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  await failTimes(ctx.breaker, BAD, 2);
  ctx.setProbe(() => Promise.resolve());
  await ctx.clock.advance(1_000);
  t.is(ctx.breaker.state(S), 'HALF_OPEN');
  await failTimes(ctx.breaker, GOOD, 1);
  t.is(ctx.breaker.state(S), 'DECONSTRUCTED');
  t.is(ctx.breaker.state(BAD), 'OPEN');
  t.deepEqual(describeEvents(ctx.events).at(-1), 's HALF_OPEN→DECONSTRUCTED (trial-failed)');
  t.deepEqual(ctx.clock.pending(), [2_000], 'probing resumes, backed off: the recovery attempt failed');
});

test('a server that trips again soon after recovering goes straight back to DECONSTRUCTED', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  ctx.setProbe(() => Promise.resolve());
  await ctx.clock.advance(1_000);
  await ctx.breaker.execute(GOOD, ok);
  t.is(ctx.breaker.state(S), 'CLOSED');
  await failTimes(ctx.breaker, S, 2);
  t.is(ctx.breaker.state(S), 'DECONSTRUCTED', 'no whole-server OPEN wait for a flapping server');
  t.is(describeEvents(ctx.events).at(-1), 's CLOSED→DECONSTRUCTED (repeated-trips)');
});

test('a tool result with isError does not trip; a caller abort does not count', async (t) => {
  const { breaker } = elastic();
  for (let i = 0; i < 5; i++) {
    await breaker.execute(GOOD, () => Promise.resolve({ isError: true, content: [] }));
  }
  t.is(breaker.state(S), 'CLOSED');
  const controller = new AbortController();
  for (let i = 0; i < 5; i++) {
    await breaker
      .execute(
        GOOD,
        () => {
          controller.abort();
          return failing();
        },
        { signal: controller.signal },
      )
      .catch(() => undefined);
  }
  t.is(breaker.state(S), 'CLOSED');
  await failTimes(breaker, S, 2);
  t.is(breaker.state(S), 'OPEN', 'the same breaker does trip on real failures');
});

test('the call receives the caller’s signal', async (t) => {
  const { breaker } = elastic();
  const controller = new AbortController();
  let seen: AbortSignal | undefined;
  await breaker.execute(GOOD, async (signal) => (seen = signal), { signal: controller.signal });
  t.is(seen, controller.signal);
});

test('snapshot and restore round-trip a DECONSTRUCTED server with an isolated tool', async (t) => {
  const a = elastic();
  await deconstruct(a);
  await failTimes(a.breaker, BAD, 2);
  await a.breaker.execute(GOOD, ok);
  const snapshot = JSON.parse(JSON.stringify(a.breaker.toJSON()));
  t.is(snapshot.version, 1);
  t.is(snapshot.servers.s.state, 'DECONSTRUCTED');
  t.is(snapshot.servers.s.tools.bad.state, 'OPEN');
  t.is(snapshot.servers.s.tripTimes.length, 3);

  const b = elastic();
  await b.clock.advance(a.clock.now() - b.clock.now());
  b.breaker.restore(snapshot);
  t.deepEqual(JSON.parse(JSON.stringify(b.breaker.toJSON())), snapshot);
  t.deepEqual(describeEvents(b.events), ['s CLOSED→DECONSTRUCTED (restore)', 's/bad CLOSED→OPEN (restore)']);
  const bad = upstream(ok);
  await t.throwsAsync(b.breaker.execute(BAD, bad.call), { code: CIRCUIT_OPEN } as never);
  t.is(bad.calls, 0);
  t.is(await b.breaker.execute(GOOD, ok), 'ok');
  b.setProbe(() => Promise.resolve());
  await b.clock.advance(1_000);
  t.is(b.breaker.state(S), 'HALF_OPEN', 'the restored DECONSTRUCTED server probes on its own');
  b.breaker.dispose();
  a.breaker.dispose();
});

test('restore leaves servers the snapshot does not mention alone', async (t) => {
  const { breaker } = elastic();
  await failTimes(breaker, { server: 'other' }, 2);
  breaker.restore({ version: 1, at: 0, servers: {} });
  t.is(breaker.state({ server: 'other' }), 'OPEN');
});

test('reset: one tool, one server (forgetting its trips), or everything', async (t) => {
  const ctx = elastic();
  const { breaker } = ctx;
  await deconstruct(ctx);
  await failTimes(breaker, BAD, 2);
  await failTimes(breaker, { server: 'x' }, 2);

  breaker.reset(BAD);
  t.is(breaker.state(BAD), 'CLOSED');
  t.is(breaker.state(S), 'DECONSTRUCTED', 'resetting a tool leaves the server deconstructed');
  t.is(describeEvents(ctx.events).at(-1), 's/bad OPEN→CLOSED (reset)');

  breaker.reset(S);
  t.is(breaker.state(S), 'CLOSED');
  t.is(breaker.state({ server: 'x' }), 'OPEN', 'another server is untouched');
  t.deepEqual(ctx.clock.pending(), [], 'the probe is cancelled');
  await failTimes(breaker, S, 2);
  t.is(breaker.state(S), 'OPEN', 'the trip history was forgotten: one trip opens, it does not deconstruct');

  breaker.reset();
  t.is(breaker.state(S), 'CLOSED');
  t.is(breaker.state({ server: 'x' }), 'CLOSED');
});

test('a probe that ends after a reset does not move the server', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  let pass!: () => void;
  ctx.setProbe(() => new Promise<void>((resolve) => (pass = resolve)));
  await ctx.clock.advance(1_000);
  ctx.breaker.reset(S);
  pass();
  await ctx.clock.advance(0);
  t.is(ctx.breaker.state(S), 'CLOSED');
  t.false(describeEvents(ctx.events).some((e) => e.includes('probe-succeeded')));
});

test('dispose cancels background probes', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  ctx.breaker.dispose();
  await ctx.clock.advance(10_000);
  t.deepEqual(ctx.probes, []);
});

test('a probe cut short by a reset and restore does not schedule a second probe', async (t) => {
  const ctx = elastic();
  await deconstruct(ctx);
  const snapshot = ctx.breaker.toJSON();
  ctx.setProbe(() => new Promise(() => {}));
  await ctx.clock.advance(1_000);
  t.is(ctx.probes.length, 1, 'a probe is running');
  ctx.breaker.reset(S);
  ctx.breaker.restore(snapshot);
  await ctx.clock.advance(0);
  t.deepEqual(ctx.clock.pending(), [1_000], 'only the restored server’s own first probe is pending');
});
