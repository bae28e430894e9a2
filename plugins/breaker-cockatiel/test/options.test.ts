// The options schema: defaults, the layering of servers and tools, and the messages for what is wrong.
import test from 'ava';
import { CockatielOptionsSchema } from '../src/index.js';
import { load } from './helpers.js';

const messages = (input: unknown): string[] => {
  const parsed = CockatielOptionsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
};

test('defaults: a consecutive breaker of 5 with a doubling wait, no retry, no timeout, no bulkhead', (t) => {
  const { defaults, servers, tools } = CockatielOptionsSchema.parse({});
  t.deepEqual(defaults, {
    retry: { maxAttempts: 0, initialDelayMs: 200, maxDelayMs: 5000 },
    timeout: { ms: 0, strategy: 'cooperative' },
    bulkhead: { limit: 0, queue: 0 },
    breaker: { type: 'consecutive', threshold: 5, halfOpenAfterMs: 5000, maxHalfOpenAfterMs: 300_000 },
  });
  t.deepEqual(servers, {});
  t.deepEqual(tools, {});
});

test('a server overrides the top level section by section; a tool overrides its server', (t) => {
  const options = CockatielOptionsSchema.parse({
    retry: { maxAttempts: 2 },
    timeout: { ms: 1000, strategy: 'aggressive' },
    servers: { slow: { timeout: { ms: 5000 } } },
    tools: { 'slow/report': { retry: { maxAttempts: 0 } }, 'fast/x': { bulkhead: { limit: 2 } } },
  });
  t.deepEqual(options.servers.slow?.timeout, { ms: 5000, strategy: 'aggressive' });
  t.is(options.servers.slow?.retry.maxAttempts, 2);
  t.deepEqual(options.tools.slow?.report?.timeout, { ms: 5000, strategy: 'aggressive' }, 'from its server');
  t.is(options.tools.slow?.report?.retry.maxAttempts, 0);
  t.deepEqual(options.tools.fast?.x?.bulkhead, { limit: 2, queue: 0 });
  t.is(options.tools.fast?.x?.timeout.ms, 1000, 'a server without settings: the top level');
  t.is(options.defaults.timeout.ms, 1000);
});

test('a tool name may contain "/"; the server is what comes before the first one', (t) => {
  const options = CockatielOptionsSchema.parse({ tools: { 'fs/dir/list': { breaker: { threshold: 2 } } } });
  t.is(options.tools.fs?.['dir/list']?.breaker.threshold, 2);
});

test('switching the breaker type drops the inherited threshold: a count is not a ratio', (t) => {
  const options = CockatielOptionsSchema.parse({
    breaker: { threshold: 3 },
    servers: { a: { breaker: { type: 'sampling' } }, b: { breaker: { halfOpenAfterMs: 100 } } },
  });
  t.like(options.servers.a?.breaker, { type: 'sampling', threshold: 0.5, durationMs: 30_000 });
  t.like(options.servers.b?.breaker, { type: 'consecutive', threshold: 3, halfOpenAfterMs: 100 });
});

test('maxDelayMs and maxHalfOpenAfterMs are at least their starting values unless set', (t) => {
  const { defaults } = CockatielOptionsSchema.parse({
    retry: { initialDelayMs: 60_000 },
    breaker: { halfOpenAfterMs: 600_000 },
  });
  t.is(defaults.retry.maxDelayMs, 60_000);
  t.is(defaults.breaker.maxHalfOpenAfterMs, 600_000);
});

test('what is wrong is named by its path', (t) => {
  t.deepEqual(messages({ retry: { maxAtempts: 2 } }), ['retry: Unrecognized key: "maxAtempts"']);
  t.deepEqual(messages({ breaker: { threshold: 0.5 } }), [
    'breaker.threshold: a consecutive breaker counts failures in a row: expected a whole number (a ratio needs type sampling)',
  ]);
  t.deepEqual(messages({ breaker: { type: 'sampling', threshold: 2 } }), [
    'breaker.threshold: a sampling breaker trips on a failure ratio: expected a number in (0, 1)',
  ]);
  t.deepEqual(messages({ breaker: { durationMs: 1000 } }), [
    'breaker.durationMs: applies to a breaker of type sampling only',
  ]);
  t.deepEqual(messages({ retry: { initialDelayMs: 500, maxDelayMs: 100 } }), [
    'retry.maxDelayMs: must be at least retry.initialDelayMs (500)',
  ]);
  t.deepEqual(messages({ servers: { a: { breaker: { halfOpenAfterMs: 10_000, maxHalfOpenAfterMs: 1000 } } } }), [
    'servers.a.breaker.maxHalfOpenAfterMs: must be at least breaker.halfOpenAfterMs (10000)',
  ]);
  t.deepEqual(messages({ tools: { report: {} } }), [
    'tools.report: expected "<server>/<tool>", such as "github/create_issue"',
  ]);
  t.deepEqual(messages({ servers: { 'a/b': {} } }), [
    'servers.a/b: a server name has no "/": put per-tool settings in tools',
  ]);
  t.deepEqual(messages({ tools: { 'a/t': { timeout: { ms: -1 } } } }), [
    'tools.a/t.timeout.ms: Too small: expected number to be >=0',
  ]);
  t.deepEqual(messages({ fallback: 1 }), [': Unrecognized key: "fallback"']);
});

test('an invalid server is reported once, not again for each of its tools', (t) => {
  t.deepEqual(messages({ servers: { a: { retry: { initialDelayMs: 0 } } }, tools: { 'a/t': {} } }), [
    'servers.a.retry.initialDelayMs: Too small: expected number to be >=1',
  ]);
});

test('the host refuses invalid options with the plugin schema’s message', async (t) => {
  await t.throwsAsync(load({ bulkhead: { limit: -1 } }), { message: /bulkhead\.limit/ });
});
