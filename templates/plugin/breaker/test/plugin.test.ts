import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestContext, ErrorCodes, instantiatePlugin, isLocalmcpError } from '@localmcp/plugin-api';
import type { BreakerHost, BreakerTransition } from '@localmcp/plugin-api';
import plugin, { {{className}}, OptionsSchema } from '../src/index.js';

// A host as the gateway's: a thrown error is a failure, a resolved value a success, and the probe always answers.
const host: BreakerHost = {
  classifyError: () => 'failure',
  classifyResult: (result) => (result === 'ignored' ? 'ignore' : 'success'),
  probe: async () => undefined,
};
const ok = async () => 'ok';
const fail = async (): Promise<string> => {
  throw new Error('upstream down');
};

/** A policy on a clock the test moves. */
function policyAt(options: object = {}) {
  const clock = { now: 1_000 };
  const policy = new {{className}}(OptionsSchema.parse(options), host, () => clock.now);
  return { policy, clock };
}

test('the gateway can create it: a breaker factory from the default export', async () => {
  const factory = await instantiatePlugin(plugin, 'breaker', {}, createTestContext('{{id}}'));
  const policy = factory.createPolicy(host);
  assert.equal(await policy.execute({ server: 'a' }, ok), 'ok');
  assert.equal(policy.state?.({ server: 'a' }), 'CLOSED');
});

test('unknown or invalid options are refused with the field named', async () => {
  const create = (options: object) =>
    instantiatePlugin(plugin, 'breaker', options, createTestContext('{{id}}'));
  await assert.rejects(create({ openMS: 5 }), /openMS/);
  await assert.rejects(create({ failureThreshold: 0 }), /failureThreshold/);
});

test('consecutive failures open the circuit; an open circuit refuses with CIRCUIT_OPEN', async () => {
  const { policy } = policyAt({ failureThreshold: 2, openMs: 500 });
  const transitions: BreakerTransition[] = [];
  policy.onTransition((t) => transitions.push(t));
  await assert.rejects(policy.execute({ server: 'a' }, fail), /upstream down/, 'the upstream error passes untouched');
  await assert.rejects(policy.execute({ server: 'a' }, fail), /upstream down/);
  assert.equal(policy.state({ server: 'a' }), 'OPEN');
  let called = false;
  const refused = await policy.execute({ server: 'a' }, async () => (called = true)).catch((e: unknown) => e);
  assert.ok(isLocalmcpError(refused) && refused.code === ErrorCodes.CIRCUIT_OPEN, 'refused by the breaker');
  assert.equal(called, false, 'the call never ran');
  assert.deepEqual(refused.data, { server: 'a', state: 'OPEN', retryAfterMs: 500 });
  assert.equal(policy.state({ server: 'b' }), 'CLOSED', 'one circuit per server');
  assert.deepEqual(
    transitions.map((t) => [t.from, t.to, t.reason]),
    [['CLOSED', 'OPEN', 'failure-threshold']],
  );
});

test('after openMs one trial call decides: success closes, failure opens again', async () => {
  const { policy, clock } = policyAt({ failureThreshold: 1, openMs: 500 });
  await assert.rejects(policy.execute({ server: 'a' }, fail));
  clock.now += 500;
  await assert.rejects(policy.execute({ server: 'a' }, fail), /upstream down/, 'the trial ran and failed');
  assert.equal(policy.state({ server: 'a' }), 'OPEN');
  clock.now += 500;
  assert.equal(await policy.execute({ server: 'a' }, ok), 'ok');
  assert.equal(policy.state({ server: 'a' }), 'CLOSED');
});

test('ignored outcomes do not count; a success resets the count', async () => {
  const { policy } = policyAt({ failureThreshold: 2 });
  await assert.rejects(policy.execute({ server: 'a' }, fail));
  await policy.execute({ server: 'a' }, async () => 'ignored');
  await policy.execute({ server: 'a' }, ok);
  await assert.rejects(policy.execute({ server: 'a' }, fail));
  assert.equal(policy.state({ server: 'a' }), 'CLOSED');
});

test('per-server overrides, toJSON for `localmcp breakers list`, and reset', async () => {
  const { policy } = policyAt({ failureThreshold: 5, servers: { fragile: { failureThreshold: 1 } } });
  await assert.rejects(policy.execute({ server: 'fragile' }, fail));
  await assert.rejects(policy.execute({ server: 'sturdy' }, fail));
  assert.equal(policy.toJSON().servers['fragile']?.state, 'OPEN');
  assert.equal(policy.toJSON().servers['sturdy']?.state, 'CLOSED');
  policy.reset({ server: 'fragile' });
  assert.equal(policy.state({ server: 'fragile' }), 'CLOSED');
});
