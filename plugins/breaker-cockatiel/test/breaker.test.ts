// The circuit breaker: consecutive and sampling breakers trip, half-open trials close or reopen, transitions.
import { ErrorCodes, type LocalmcpError } from '@localmcp/plugin-api';
import test from 'ava';
import {
  BadArgument,
  UpstreamDown,
  down,
  failTimes,
  load,
  ok,
  rejection,
  sleep,
  untilAbort,
  upstream,
} from './helpers.js';

const s = { server: 's' };

test('consecutive: trips after `threshold` failures in a row; then calls are refused without being made', async (t) => {
  const { policy, transitions } = await load({ breaker: { threshold: 3, halfOpenAfterMs: 60_000 } });
  await failTimes(policy, s, 2);
  await policy.execute(s, ok); // a success resets the count
  await failTimes(policy, s, 2);
  t.is(policy.state!(s), 'CLOSED');
  await failTimes(policy, s, 1);
  t.is(policy.state!(s), 'OPEN');
  const u = upstream(ok);
  const error = (await t.throwsAsync(policy.execute({ server: 's', tool: 'x' }, u.call))) as LocalmcpError;
  t.is(u.calls, 0);
  t.is(error.code, ErrorCodes.CIRCUIT_OPEN);
  t.is(error.message, 'upstream "s" is unavailable (circuit OPEN); retry in 60 s');
  t.like(error.data, { server: 's', state: 'OPEN' });
  const retryAfterMs = error.data?.retryAfterMs as number;
  t.true(retryAfterMs > 0 && retryAfterMs <= 60_000);
  t.deepEqual(transitions, ['s CLOSED→OPEN (failure-threshold)']);
});

test('sampling: trips on the failure ratio once enough calls were seen, not before', async (t) => {
  // 5 calls per second over 1 s: at least 5 calls before the ratio is judged.
  const { policy, transitions } = await load({
    breaker: { type: 'sampling', threshold: 0.5, durationMs: 1000, minimumRps: 5, halfOpenAfterMs: 60_000 },
  });
  await failTimes(policy, s, 4);
  t.is(policy.state!(s), 'CLOSED', 'four calls: too few to judge');
  await policy.execute(s, ok);
  await policy.execute(s, ok);
  t.is(policy.state!(s), 'CLOSED', '4 of 6 failed, but only failures are judged');
  await failTimes(policy, s, 1);
  t.is(policy.state!(s), 'OPEN', '5 of 7 failed: over half');
  t.deepEqual(transitions, ['s CLOSED→OPEN (failure-ratio)']);
});

test('half-open: after halfOpenAfterMs one trial call goes through, and its success closes the circuit', async (t) => {
  const { policy, transitions } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 40 } });
  await failTimes(policy, s, 1);
  t.is(policy.state!(s), 'OPEN');
  await sleep(60);
  t.is(await policy.execute(s, ok), 'ok');
  t.is(policy.state!(s), 'CLOSED');
  t.deepEqual(transitions, [
    's CLOSED→OPEN (failure-threshold)',
    's OPEN→HALF_OPEN (open-elapsed)',
    's HALF_OPEN→CLOSED (trial-succeeded)',
  ]);
});

test('half-open: a failed trial reopens the circuit for twice as long', async (t) => {
  const { policy, transitions } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 100 } });
  await failTimes(policy, s, 1);
  await sleep(120);
  await failTimes(policy, s, 1);
  t.is(policy.state!(s), 'OPEN');
  const error = (await rejection(policy.execute(s, ok))) as LocalmcpError;
  const retryAfterMs = error.data?.retryAfterMs as number;
  t.true(retryAfterMs > 100 && retryAfterMs <= 200, `waits up to 200 ms, not 100: ${retryAfterMs}`);
  t.deepEqual(transitions.slice(1), ['s OPEN→HALF_OPEN (open-elapsed)', 's HALF_OPEN→OPEN (trial-failed)']);
});

test('half-open: with maxHalfOpenAfterMs equal to halfOpenAfterMs the wait stays constant', async (t) => {
  const { policy } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 100, maxHalfOpenAfterMs: 100 } });
  await failTimes(policy, s, 1);
  await sleep(120);
  await failTimes(policy, s, 1);
  const error = (await rejection(policy.execute(s, ok))) as LocalmcpError;
  t.true((error.data?.retryAfterMs as number) <= 100);
});

test('half-open: a trial the host ignores uses up no trial; the next call is the trial', async (t) => {
  const { policy, transitions } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 40 } });
  await failTimes(policy, s, 1);
  await sleep(60);
  await t.throwsAsync(
    policy.execute(s, () => Promise.reject(new BadArgument('no such file'))),
    {
      instanceOf: BadArgument,
    },
  );
  t.is(policy.state!(s), 'OPEN', 'not closed by a call that says nothing about the upstream');
  t.is(await policy.execute(s, ok), 'ok', 'the wait is over: the next call is let through');
  t.is(policy.state!(s), 'CLOSED');
  t.deepEqual(transitions, [
    's CLOSED→OPEN (failure-threshold)',
    's OPEN→HALF_OPEN (open-elapsed)',
    's HALF_OPEN→OPEN (trial-ignored)',
    's OPEN→HALF_OPEN (open-elapsed)',
    's HALF_OPEN→CLOSED (trial-succeeded)',
  ]);
});

test('half-open: a trial whose caller aborts uses up no trial either', async (t) => {
  const { policy } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 40 } });
  await failTimes(policy, s, 1);
  await sleep(60);
  const controller = new AbortController();
  const u = upstream((signal) => untilAbort(signal));
  const trial = policy.execute(s, u.call, { signal: controller.signal });
  controller.abort();
  t.is(((await rejection(trial)) as Error).name, 'AbortError');
  await sleep(10); // the call itself ends
  t.true(u.signals[0]?.aborted);
  t.is(policy.state!(s), 'OPEN');
  await t.throwsAsync(policy.execute(s, down), { instanceOf: UpstreamDown });
  t.is(policy.state!(s), 'OPEN', 'the next call was the trial, and it failed');
});

test('calls that wait behind a trial the host ignores are refused, not let through', async (t) => {
  const { policy } = await load({ breaker: { threshold: 1, halfOpenAfterMs: 40 } });
  await failTimes(policy, s, 1);
  await sleep(60);
  const waiting = upstream(ok);
  const trial = policy.execute(s, () => sleep(20).then(() => Promise.reject(new BadArgument('bad'))));
  const behind = policy.execute(s, waiting.call);
  await t.throwsAsync(trial, { instanceOf: BadArgument });
  t.is(((await rejection(behind)) as LocalmcpError).code, ErrorCodes.CIRCUIT_OPEN);
  t.is(waiting.calls, 0);
});

test('onTransition returns an unsubscribe function; a throwing listener does not break calls', async (t) => {
  const { policy } = await load({ breaker: { threshold: 1 } });
  const seen: string[] = [];
  policy.onTransition!(() => {
    throw new Error('listener bug');
  });
  const off = policy.onTransition!((e) => seen.push(`${e.from}→${e.to}`));
  await t.throwsAsync(policy.execute(s, down), { instanceOf: UpstreamDown });
  t.deepEqual(seen, ['CLOSED→OPEN']);
  off();
  policy.reset!();
  t.deepEqual(seen, ['CLOSED→OPEN']);
});

test('transitions carry the server, the time and, for a tool with its own circuit, the tool', async (t) => {
  const { policy } = await load({ tools: { 's/t': { breaker: { threshold: 1 } } } });
  const events: unknown[] = [];
  policy.onTransition!((e) => events.push(e));
  const before = Date.now();
  await failTimes(policy, { server: 's', tool: 't' }, 1);
  t.like(events, [{ server: 's', tool: 't', from: 'CLOSED', to: 'OPEN', reason: 'failure-threshold' }]);
  t.true((events[0] as { at: number }).at >= before);
});

test('transitions are logged and counted through the plugin context', async (t) => {
  const { policy, ctx } = await load({ breaker: { threshold: 1 } });
  await failTimes(policy, s, 1);
  t.true(ctx.logs.some((l) => l.level === 'warn' && l.message === 'circuit of s: CLOSED → OPEN (failure-threshold)'));
  t.true(ctx.metricsSeen.some((m) => m.name === 'transitions'));
  await policy.execute(s, ok).catch(() => undefined);
  t.true(ctx.metricsSeen.some((m) => m.name === 'refusals'));
});
