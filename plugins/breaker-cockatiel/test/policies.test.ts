// Retry, timeout and bulkhead: each option does what it says, judged by the host's classifiers.
import { ErrorCodes, isLocalmcpError, type LocalmcpError } from '@localmcp/plugin-api';
import test from 'ava';
import { BadArgument, UpstreamDown, load, rejection, sleep, untilAbort, upstream } from './helpers.js';

const target = { server: 's', tool: 't' };
const noBreak = { breaker: { threshold: 100 } };

test('retry: a failing call runs 1 + maxAttempts times, then its own error is thrown untouched', async (t) => {
  const { policy, ctx } = await load({ ...noBreak, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5 } });
  const error = new UpstreamDown('socket hang up');
  const u = upstream(() => Promise.reject(error));
  t.is(await t.throwsAsync(policy.execute(target, u.call)), error);
  t.is(u.calls, 3);
  t.is(ctx.metricsSeen.filter((m) => m.name === 'retries').length, 2);
});

test('retry: a call that succeeds on its second attempt returns its value', async (t) => {
  const { policy } = await load({ ...noBreak, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
  const u = upstream((_signal, n) => (n === 1 ? Promise.reject(new UpstreamDown('reset')) : Promise.resolve(n)));
  t.is(await policy.execute(target, u.call), 2);
  t.is(u.calls, 2);
});

test('retry: without maxAttempts nothing is retried', async (t) => {
  const { policy } = await load(noBreak);
  const u = upstream(() => Promise.reject(new UpstreamDown('reset')));
  await t.throwsAsync(policy.execute(target, u.call), { instanceOf: UpstreamDown });
  t.is(u.calls, 1);
});

test('retry: a result the host calls a failure is retried, then returned (not thrown)', async (t) => {
  const { policy } = await load({ ...noBreak, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } });
  const u = upstream(() => Promise.resolve({ isError: true }));
  t.deepEqual(await policy.execute(target, u.call), { isError: true });
  t.is(u.calls, 2);
});

test('ignored errors are neither retried nor counted', async (t) => {
  const { policy } = await load({ breaker: { threshold: 2 }, retry: { maxAttempts: 3, initialDelayMs: 1 } });
  const error = new BadArgument('missing "path"');
  const u = upstream(() => Promise.reject(error));
  for (let i = 0; i < 5; i++) t.is(await t.throwsAsync(policy.execute(target, u.call)), error);
  t.is(u.calls, 5, 'one call each');
  t.is(policy.state!(target), 'CLOSED');
});

test('an ignored result is returned and counts neither way: it does not reset the failure count', async (t) => {
  const { policy } = await load({ breaker: { threshold: 2 } });
  await policy.execute(target, () => Promise.reject(new UpstreamDown('1'))).catch(() => undefined);
  t.deepEqual(await policy.execute(target, () => Promise.resolve({ skip: true })), { skip: true });
  t.is(policy.state!(target), 'CLOSED');
  await policy.execute(target, () => Promise.reject(new UpstreamDown('2'))).catch(() => undefined);
  t.is(policy.state!(target), 'OPEN', 'two failures in a row: the ignored result between them did not count');
});

test('a classifier that throws counts the call as a failure', async (t) => {
  const { policy } = await load(
    { breaker: { threshold: 1 } },
    {
      host: {
        classifyError: () => {
          throw new Error('bug');
        },
        classifyResult: () => 'success',
        probe: () => Promise.resolve(),
      },
    },
  );
  await t.throwsAsync(
    policy.execute(target, () => Promise.reject(new Error('x'))),
    { message: 'x' },
  );
  t.is(policy.state!(target), 'OPEN');
});

test('no retry once the caller aborted, even when the call then fails', async (t) => {
  const { policy } = await load({ ...noBreak, retry: { maxAttempts: 3, initialDelayMs: 1 } });
  const controller = new AbortController();
  const u = upstream(() => {
    controller.abort();
    return Promise.reject(new UpstreamDown('reset'));
  });
  t.is(((await rejection(policy.execute(target, u.call, { signal: controller.signal }))) as Error).name, 'AbortError');
  t.is(u.calls, 1);
  t.is(policy.state!(target), 'CLOSED');
});

test('a caller who aborts during the retry backoff gets an AbortError at once and no retry is sent', async (t) => {
  const controller = new AbortController();
  const { policy } = await load(
    { ...noBreak, retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 50 } },
    { onMetric: (m) => m.name === 'retries' && controller.abort() }, // the backoff has just begun
  );
  const u = upstream(() => Promise.reject(new UpstreamDown('reset')));
  t.is(((await rejection(policy.execute(target, u.call, { signal: controller.signal }))) as Error).name, 'AbortError');
  await sleep(120); // past the longest backoff
  t.is(u.calls, 1);
});

test('an already aborted caller is not called', async (t) => {
  const { policy } = await load({});
  const u = upstream(() => Promise.resolve(1));
  t.is(
    ((await rejection(policy.execute(target, u.call, { signal: AbortSignal.abort() }))) as Error).name,
    'AbortError',
  );
  t.is(u.calls, 0);
});

test('the call gets a signal that aborts with the caller’s, and the caller stops waiting at once', async (t) => {
  const { policy } = await load({});
  const controller = new AbortController();
  let seen: AbortSignal | undefined;
  const pending = policy.execute(
    target,
    (signal) => {
      seen = signal;
      return new Promise(() => undefined); // ignores its signal
    },
    { signal: controller.signal },
  );
  controller.abort();
  t.is(((await rejection(pending)) as Error).name, 'AbortError');
  t.true(seen?.aborted);
  t.is(policy.state!(target), 'CLOSED', 'the caller’s abort is not held against the upstream');
});

test('cooperative timeout: the call’s signal is aborted and the call ends as UPSTREAM_TIMEOUT, a failure', async (t) => {
  const { policy } = await load({ breaker: { threshold: 1 }, timeout: { ms: 30 } });
  const u = upstream((signal) => untilAbort(signal));
  const error = (await t.throwsAsync(policy.execute(target, u.call))) as LocalmcpError;
  t.true(isLocalmcpError(error));
  t.is(error.code, ErrorCodes.UPSTREAM_TIMEOUT);
  t.is(error.message, 'tool "t" of upstream "s" did not answer within 30 ms');
  t.deepEqual(error.data, { server: 's', tool: 't', timeoutMs: 30 });
  t.is((error.cause as Error).name, 'AbortError', 'the call’s own error is the cause');
  t.true(u.signals[0]?.aborted);
  t.is(policy.state!(target), 'OPEN');
});

test('cooperative timeout: a call that ignores its signal is waited for', async (t) => {
  const { policy } = await load({ timeout: { ms: 10, strategy: 'cooperative' } });
  const u = upstream(async (signal) => {
    await sleep(60);
    return signal.aborted ? 'late' : 'early';
  });
  t.is(await policy.execute(target, u.call), 'late');
});

test('aggressive timeout: a call that ignores its signal is abandoned as UPSTREAM_TIMEOUT', async (t) => {
  const { policy, ctx } = await load({ timeout: { ms: 20, strategy: 'aggressive' } });
  const u = upstream(() => new Promise(() => undefined));
  const error = (await t.throwsAsync(policy.execute({ server: 'slow' }, u.call))) as LocalmcpError;
  t.is(error.code, ErrorCodes.UPSTREAM_TIMEOUT);
  t.is(error.message, 'upstream "slow" did not answer within 20 ms');
  t.true(u.signals[0]?.aborted);
  t.deepEqual(
    ctx.metricsSeen.filter((m) => m.name === 'timeouts').map((m) => m.value),
    [1],
  );
});

test('timeout: each attempt has its own; a timed-out attempt is retried', async (t) => {
  const { policy } = await load({
    ...noBreak,
    timeout: { ms: 20 },
    retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
  });
  const u = upstream((signal, n) => (n === 1 ? untilAbort(signal) : Promise.resolve('second')));
  t.is(await policy.execute(target, u.call), 'second');
  t.true(u.signals[0]?.aborted);
});

test('bulkhead: calls over limit + queue are refused as CIRCUIT_OPEN; at most `limit` run at once', async (t) => {
  const { policy } = await load({ bulkhead: { limit: 2, queue: 1 } });
  let running = 0;
  let most = 0;
  const u = upstream(async () => {
    most = Math.max(most, ++running);
    await sleep(30);
    running--;
    return 'done';
  });
  const results = await Promise.allSettled([1, 2, 3, 4].map(() => policy.execute(target, u.call)));
  t.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
  );
  const refusal = (results[3] as PromiseRejectedResult).reason as LocalmcpError;
  t.is(refusal.code, ErrorCodes.CIRCUIT_OPEN);
  t.is(refusal.message, 'upstream "s" is unavailable (bulkhead full: 2 calls running, 1 waiting)');
  t.deepEqual(refusal.data, { server: 's', state: 'CLOSED', refusedBy: 'bulkhead' }, 'the server’s bulkhead');
  t.is(u.calls, 3);
  t.is(most, 2);
  t.is(policy.state!(target), 'CLOSED', 'a refusal does not count against the upstream');
});

test('bulkhead: a queued caller who aborts stops waiting and is never called', async (t) => {
  const { policy } = await load({ bulkhead: { limit: 1, queue: 1 } });
  const u = upstream(() => sleep(40).then(() => 'done'));
  const first = policy.execute(target, u.call);
  const controller = new AbortController();
  const queued = policy.execute(target, u.call, { signal: controller.signal });
  controller.abort();
  t.is(((await rejection(queued)) as Error).name, 'AbortError');
  t.is(await first, 'done');
  await sleep(10);
  t.is(u.calls, 1);
});
