import test from 'ava';
import { ClassicBreakerPolicy } from '../../server/resilience/classic-policy.js';
import { isCircuitOpenError } from '../../server/resilience/errors.js';
import type { TransitionEvent } from '../../server/resilience/events.js';
import { describeEvents, failTimes, ok, upstream } from './helpers.js';
import { ManualClock } from './manual-clock.js';

function classic() {
  const clock = new ManualClock();
  const policy = new ClassicBreakerPolicy({ failureThreshold: 2, openMs: 1_000 }, { clock });
  const events: TransitionEvent[] = [];
  policy.onTransition((event) => events.push(event));
  return { clock, policy, events };
}

test('the classic policy keeps one circuit per server and never deconstructs', async (t) => {
  const { clock, policy, events } = classic();
  await failTimes(policy, { server: 'a', tool: 'x' }, 2);
  const call = upstream(ok);
  t.true(isCircuitOpenError(await t.throwsAsync(policy.execute({ server: 'a', tool: 'y' }, call.call))));
  t.is(call.calls, 0, 'a sibling tool is refused too: one circuit per server');
  t.is(await policy.execute({ server: 'b' }, ok), 'ok', 'another server is unaffected');
  for (let trip = 0; trip < 5; trip++) {
    await clock.advance(policy.toJSON().servers.a!.openUntil! - clock.now());
    await failTimes(policy, { server: 'a' }, 1);
  }
  t.is(policy.state({ server: 'a' }), 'OPEN');
  t.false(events.some((e) => e.to === 'DECONSTRUCTED'));
  t.is(policy.toJSON().servers.a!.trips, 6);
  t.deepEqual(describeEvents(events).slice(0, 3), [
    'a CLOSED→OPEN (failure-threshold)',
    'a OPEN→HALF_OPEN (open-elapsed)',
    'a HALF_OPEN→OPEN (trial-failed)',
  ]);
});

test('the classic policy recovers through HALF_OPEN, resets, and round-trips its snapshot', async (t) => {
  const a = classic();
  await failTimes(a.policy, { server: 's' }, 2);
  const snapshot = JSON.parse(JSON.stringify(a.policy.toJSON()));
  const b = classic();
  b.policy.restore(snapshot);
  t.deepEqual(b.policy.toJSON(), snapshot);
  t.is(b.policy.state({ server: 's' }), 'OPEN');
  await b.clock.advance(1_000);
  t.is(await b.policy.execute({ server: 's' }, ok), 'ok');
  t.is(b.policy.state({ server: 's' }), 'CLOSED');

  a.policy.reset({ server: 's', tool: 'ignored' });
  t.is(a.policy.state({ server: 's' }), 'CLOSED');
  t.is(describeEvents(a.events).at(-1), 's OPEN→CLOSED (reset)');
});
