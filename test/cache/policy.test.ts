// Which tools are cached and for how long: annotations first, the config has the last word.
import test from 'ava';
import { CachePolicy } from '../../server/cache/policy.js';
import { cacheConfig } from './helpers.js';

test('read-only and idempotent tools are cached; tools that may have side effects are not', (t) => {
  const policy = new CachePolicy(cacheConfig());
  t.like(policy.decide('s', 'get', { readOnlyHint: true }), { cacheable: true, reason: 'read-only', ttlMs: 60_000 });
  t.like(policy.decide('s', 'put', { idempotentHint: true, destructiveHint: false }), {
    cacheable: true,
    reason: 'idempotent',
  });
  t.like(policy.decide('s', 'put', { idempotentHint: true }), { cacheable: true, reason: 'idempotent' });
  t.like(policy.decide('s', 'delete', { idempotentHint: true, destructiveHint: true }), {
    cacheable: false,
    reason: 'side-effects',
  });
  t.like(policy.decide('s', 'write', { readOnlyHint: false }), { cacheable: false, reason: 'side-effects' });
  t.like(policy.decide('s', 'unknown'), { cacheable: false, reason: 'side-effects' });
  t.like(policy.decide('s', 'unknown', {}), { cacheable: false });
});

test('tools.allow admits a tool by glob; tools.deny wins over allow and annotations', (t) => {
  const policy = new CachePolicy(
    cacheConfig({ tools: { allow: ['srv/*', 'other/list'], deny: ['srv/secret', 'ro/*'] } }),
  );
  t.like(policy.decide('srv', 'anything'), { cacheable: true, reason: 'allowed' });
  t.like(policy.decide('other', 'list'), { cacheable: true, reason: 'allowed' });
  t.like(policy.decide('other', 'write'), { cacheable: false });
  t.like(policy.decide('srv', 'secret', { readOnlyHint: true }), { cacheable: false, reason: 'denied' });
  t.like(policy.decide('ro', 'get', { readOnlyHint: true }), { cacheable: false, reason: 'denied' });
});

test('TTL: per tool (exact before glob), then per server, then the default; 0 means not cached', (t) => {
  const policy = new CachePolicy(
    cacheConfig({
      ttlMs: 1_000,
      servers: { slow: { ttlMs: 5_000 }, off: { enabled: false }, never: { ttlMs: 0 } },
      tools: { ttl: { 'slow/*': 7_000, 'slow/exact': 9_000, 'fast/get': 100 } },
    }),
  );
  const ro = { readOnlyHint: true };
  t.is(policy.decide('fast', 'other', ro).ttlMs, 1_000);
  t.is(policy.decide('fast', 'get', ro).ttlMs, 100);
  t.is(policy.decide('slow', 'x', ro).ttlMs, 7_000);
  t.is(policy.decide('slow', 'exact', ro).ttlMs, 9_000);
  t.like(policy.decide('off', 'get', ro), { cacheable: false, reason: 'server-disabled' });
  t.like(policy.decide('never', 'get', ro), { cacheable: false, reason: 'zero-ttl' });
});

test('cache.enabled false caches nothing', (t) => {
  const policy = new CachePolicy(cacheConfig({ enabled: false, tools: { allow: ['*/*'] } }));
  t.like(policy.decide('s', 'get', { readOnlyHint: true }), { cacheable: false, reason: 'disabled' });
});

test('similar-argument lookup (L3) only for read-only tools, and only when L3 is available', (t) => {
  const on = new CachePolicy(cacheConfig({ tools: { allow: ['s/allowed'] } }), true);
  t.true(on.decide('s', 'get', { readOnlyHint: true }).semantic);
  t.false(on.decide('s', 'put', { idempotentHint: true }).semantic);
  t.false(on.decide('s', 'allowed').semantic);
  t.false(new CachePolicy(cacheConfig(), false).decide('s', 'get', { readOnlyHint: true }).semantic);
});
