// A crashed server's new process answering the handshake is evidence of health: `recovered()` lets an OPEN
// circuit try it at once instead of waiting out its (growing) OPEN period, and makes a deconstructed one probe now.
import test from 'ava';
import { ClassicBreakerPolicy } from '../../server/resilience/classic-policy.js';
import { ElasticBreaker } from '../../server/resilience/elastic-breaker.js';
import type { TransitionEvent } from '../../server/resilience/events.js';
import { describeEvents, failTimes, ok } from './helpers.js';
import { flush, ManualClock } from './manual-clock.js';

for (const [name, make] of [
  [
    'elastic',
    (clock: ManualClock) => new ElasticBreaker({ server: { failureThreshold: 1, openMs: 60_000 } }, { clock }),
  ],
  ['classic', (clock: ManualClock) => new ClassicBreakerPolicy({ failureThreshold: 1, openMs: 60_000 }, { clock })],
] as const) {
  test(`${name}: recovered() turns OPEN into HALF_OPEN now; a trial then closes it`, async (t) => {
    const clock = new ManualClock();
    const policy = make(clock);
    const events: TransitionEvent[] = [];
    policy.onTransition((e) => events.push(e));
    await failTimes(policy, { server: 's' }, 1);
    t.is(policy.state({ server: 's' }), 'OPEN');
    policy.recovered({ server: 's' });
    t.is(policy.state({ server: 's' }), 'HALF_OPEN');
    t.is(await policy.execute({ server: 's' }, ok), 'ok');
    t.deepEqual(describeEvents(events), [
      's CLOSED→OPEN (failure-threshold)',
      's OPEN→HALF_OPEN (upstream-ready)',
      's HALF_OPEN→CLOSED (trials-succeeded)',
    ]);
    policy.recovered({ server: 's' });
    t.is(policy.state({ server: 's' }), 'CLOSED', 'a closed circuit is left alone');
  });
}

test('elastic: recovered() makes a deconstructed server probe now', async (t) => {
  const clock = new ManualClock();
  let probes = 0;
  const policy = new ElasticBreaker(
    { server: { failureThreshold: 1, openMs: 10 }, deconstructAfterTrips: 1, probeIntervalMs: 600_000 },
    { clock, probe: async () => void probes++ },
  );
  await failTimes(policy, { server: 's', tool: 't' }, 1);
  t.is(policy.state({ server: 's' }), 'DECONSTRUCTED');
  policy.recovered({ server: 's' });
  await flush();
  t.is(probes, 1, 'probed without waiting for the 10-minute schedule');
  t.is(policy.state({ server: 's' }), 'HALF_OPEN');
});
