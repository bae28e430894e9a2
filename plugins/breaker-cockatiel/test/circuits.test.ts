// One circuit per server and per tool with settings of its own: overrides, snapshots, reset and dispose.
import { ErrorCodes, type LocalmcpError } from '@localmcp/plugin-api';
import test from 'ava';
import type { PolicySnapshot } from '../src/index.js';
import { failTimes, load, ok, rejection, sleep, untilAbort, upstream } from './helpers.js';

const OVERRIDES = {
  breaker: { threshold: 5, halfOpenAfterMs: 60_000 },
  servers: { fragile: { breaker: { threshold: 1 } } },
  tools: { 'fragile/slow': { timeout: { ms: 30 } } },
};

test('a server override applies to that server only', async (t) => {
  const { policy } = await load(OVERRIDES);
  await failTimes(policy, { server: 'fragile', tool: 'read' }, 1);
  await failTimes(policy, { server: 'sturdy', tool: 'read' }, 1);
  t.is(policy.state!({ server: 'fragile' }), 'OPEN');
  t.is(policy.state!({ server: 'fragile', tool: 'read' }), 'OPEN', 'its tools share its circuit');
  t.is(policy.state!({ server: 'sturdy' }), 'CLOSED');
});

test('a tool with settings of its own has its own circuit, with its server’s settings underneath', async (t) => {
  const { policy } = await load(OVERRIDES);
  const slow = { server: 'fragile', tool: 'slow' };
  await failTimes(policy, { server: 'fragile', tool: 'read' }, 1);
  t.is(policy.state!(slow), 'CLOSED', 'the server circuit is open, the tool’s own is not');
  t.is(await policy.execute(slow, ok), 'ok');
  const error = (await rejection(policy.execute(slow, (signal) => untilAbort(signal)))) as LocalmcpError;
  t.is(error.code, ErrorCodes.UPSTREAM_TIMEOUT, 'its own timeout');
  t.is(policy.state!(slow), 'OPEN', 'threshold 1, from its server');
  const refusal = (await rejection(policy.execute(slow, ok))) as LocalmcpError;
  t.is(refusal.message, 'tool "slow" of upstream "fragile" is unavailable (circuit OPEN); retry in 60 s');
  t.like(refusal.data, { server: 'fragile', tool: 'slow', state: 'OPEN' });
});

test('the timeout of one tool does not apply to the other tools of its server', async (t) => {
  const { policy } = await load(OVERRIDES);
  t.is(
    await policy.execute({ server: 'fragile', tool: 'read' }, () => sleep(60).then(() => 'slow but fine')),
    'slow but fine',
  );
});

test('state of a target never called is CLOSED', async (t) => {
  const { policy } = await load({});
  t.is(policy.state!({ server: 'nobody', tool: 'x' }), 'CLOSED');
});

test('toJSON holds cockatiel’s own snapshot per circuit, tools under their server, and survives JSON', async (t) => {
  const { policy } = await load({ ...OVERRIDES, tools: { ...OVERRIDES.tools, 'quiet/own': {} } });
  const before = Date.now();
  await failTimes(policy, { server: 'fragile' }, 1);
  await failTimes(policy, { server: 'sturdy' }, 2);
  await policy.execute({ server: 'fragile', tool: 'slow' }, ok);
  await policy.execute({ server: 'quiet', tool: 'own' }, ok);
  const snapshot = JSON.parse(JSON.stringify(policy.toJSON())) as PolicySnapshot;
  t.is(snapshot.version, 1);
  t.deepEqual(Object.keys(snapshot.servers).sort(), ['fragile', 'quiet', 'sturdy']);
  const fragile = snapshot.servers.fragile!;
  t.like(fragile, { state: 'OPEN', type: 'consecutive', trips: 1, cockatiel: { ownState: { value: 1 } } });
  t.true(fragile.openUntil! >= before + 60_000 && fragile.openUntil! <= Date.now() + 60_000);
  t.deepEqual(Object.keys(fragile.tools ?? {}), ['slow']);
  t.like(fragile.tools?.slow, { state: 'CLOSED', cockatiel: { ownState: { value: 0 }, breakerState: 0 } });
  t.like(snapshot.servers.quiet, { state: 'CLOSED', tools: { own: { state: 'CLOSED' } } });
  t.false('cockatiel' in snapshot.servers.quiet!, 'its own circuit was never used');
  t.deepEqual(snapshot.servers.sturdy, {
    state: 'CLOSED',
    type: 'consecutive',
    cockatiel: { ownState: { value: 0 }, breakerState: 2 },
  });
});

test('restore: another policy takes over open circuits and failure counts', async (t) => {
  const first = await load(OVERRIDES);
  await failTimes(first.policy, { server: 'fragile' }, 1);
  await failTimes(first.policy, { server: 'sturdy' }, 4);
  const snapshot = JSON.parse(JSON.stringify(first.policy.toJSON())) as unknown;

  const second = await load(OVERRIDES);
  second.policy.restore!(snapshot);
  t.is(second.policy.state!({ server: 'fragile' }), 'OPEN');
  const u = upstream(ok);
  const refusal = (await rejection(second.policy.execute({ server: 'fragile' }, u.call))) as LocalmcpError;
  t.is(refusal.code, ErrorCodes.CIRCUIT_OPEN);
  t.true((refusal.data?.retryAfterMs as number) > 0);
  t.is(u.calls, 0);
  t.deepEqual(second.transitions, ['fragile CLOSED→OPEN (restore)']);
  await failTimes(second.policy, { server: 'sturdy' }, 1);
  t.is(second.policy.state!({ server: 'sturdy' }), 'OPEN', 'four failures came with the snapshot; one more trips');
});

test('restore: one server’s part of a snapshot (as shared through Redis) restores that server only', async (t) => {
  const options = { breaker: { threshold: 1, halfOpenAfterMs: 60_000 }, tools: { 'a/t': {} } };
  const first = await load(options);
  await failTimes(first.policy, { server: 'a', tool: 't' }, 1);
  await failTimes(first.policy, { server: 'b' }, 1);
  const whole = first.policy.toJSON() as PolicySnapshot;
  const second = await load(options);
  second.policy.restore!(JSON.parse(JSON.stringify({ ...whole, servers: { a: whole.servers.a } })));
  t.is(second.policy.state!({ server: 'a', tool: 't' }), 'OPEN');
  t.is(second.policy.state!({ server: 'a' }), 'CLOSED');
  t.is(second.policy.state!({ server: 'b' }), 'CLOSED');
  t.deepEqual(second.transitions, ['a/t CLOSED→OPEN (restore)']);
});

test('restore: a half-open circuit comes back OPEN with its wait over, so the next call is the trial', async (t) => {
  const first = await load({ breaker: { threshold: 1, halfOpenAfterMs: 40 } });
  await failTimes(first.policy, { server: 's' }, 1);
  await sleep(60);
  let snapshot: unknown;
  await first.policy.execute({ server: 's' }, async () => {
    await sleep(0);
    snapshot = first.policy.toJSON(); // taken while the trial is in flight
    t.is(first.policy.state!({ server: 's' }), 'HALF_OPEN');
    return 'ok';
  });
  const second = await load({ breaker: { threshold: 1, halfOpenAfterMs: 60_000 } });
  second.policy.restore!(snapshot);
  t.is(second.policy.state!({ server: 's' }), 'OPEN');
  t.is(await second.policy.execute({ server: 's' }, ok), 'ok');
  t.is(second.policy.state!({ server: 's' }), 'CLOSED');
});

test('restore: counters of another breaker type are started afresh; a malformed snapshot is refused', async (t) => {
  const sampling = await load({ breaker: { type: 'sampling', threshold: 0.5, durationMs: 1000, minimumRps: 5 } });
  await failTimes(sampling.policy, { server: 's' }, 1);
  t.is(sampling.policy.state!({ server: 's' }), 'CLOSED');
  const consecutive = await load({ breaker: { threshold: 2 } });
  consecutive.policy.restore!(JSON.parse(JSON.stringify(sampling.policy.toJSON())));
  await failTimes(consecutive.policy, { server: 's' }, 1);
  t.is(consecutive.policy.state!({ server: 's' }), 'CLOSED');
  await failTimes(consecutive.policy, { server: 's' }, 1);
  t.is(consecutive.policy.state!({ server: 's' }), 'OPEN', 'counts from zero, and counts');

  t.throws(() => consecutive.policy.restore!({ version: 1, servers: {} }), {
    instanceOf: TypeError,
    message: /^not a breaker:cockatiel snapshot: at: /,
  });
});

test('restore: tools without settings of their own here are skipped', async (t) => {
  const first = await load({ tools: { 's/t': { breaker: { threshold: 1 } } } });
  await failTimes(first.policy, { server: 's', tool: 't' }, 1);
  const second = await load({});
  second.policy.restore!(first.policy.toJSON());
  t.is(second.policy.state!({ server: 's', tool: 't' }), 'CLOSED');
  t.deepEqual((second.policy.toJSON() as PolicySnapshot).servers, {});
});

test('reset: a tool’s own circuit, a server with its tools, or everything', async (t) => {
  const { policy, transitions } = await load(OVERRIDES);
  const slow = { server: 'fragile', tool: 'slow' };
  await failTimes(policy, { server: 'fragile' }, 1);
  await failTimes(policy, slow, 1);
  await failTimes(policy, { server: 'other' }, 5);

  policy.reset!(slow);
  t.is(policy.state!(slow), 'CLOSED');
  t.is(policy.state!({ server: 'fragile' }), 'OPEN');

  await failTimes(policy, slow, 1);
  policy.reset!({ server: 'fragile' });
  t.is(policy.state!(slow), 'CLOSED');
  t.is(policy.state!({ server: 'fragile' }), 'CLOSED');
  t.is(policy.state!({ server: 'other' }), 'OPEN');

  policy.reset!();
  t.is(policy.state!({ server: 'other' }), 'CLOSED');
  t.true(transitions.includes('fragile/slow OPEN→CLOSED (reset)'));
  t.true(transitions.includes('other OPEN→CLOSED (reset)'));
  t.is(await policy.execute({ server: 'other' }, ok), 'ok');
});

test('dispose: no more transitions are reported', async (t) => {
  const { policy, transitions } = await load({ breaker: { threshold: 1 } });
  policy.dispose!();
  await failTimes(policy, { server: 's' }, 1);
  t.deepEqual(transitions, []);
});

test('server and tool names that are Object.prototype members are plain names', async (t) => {
  const { policy } = await load({
    servers: { toString: { breaker: { threshold: 1 } } },
    tools: { 'constructor/name': { breaker: { threshold: 2 } } },
  });
  await failTimes(policy, { server: 'toString' }, 1);
  t.is(policy.state!({ server: 'toString' }), 'OPEN');
  await failTimes(policy, { server: 'constructor', tool: 'toString' }, 2);
  t.is(policy.state!({ server: 'constructor', tool: 'toString' }), 'CLOSED', 'the default threshold of 5');
  await failTimes(policy, { server: 'constructor', tool: 'name' }, 2);
  t.is(policy.state!({ server: 'constructor', tool: 'name' }), 'OPEN');
  await failTimes(policy, { server: 'hasOwnProperty', tool: 'valueOf' }, 4);
  t.is(policy.state!({ server: 'hasOwnProperty' }), 'CLOSED');
});
