// The `cache` config section: defaults, and errors that name the field.
import test from 'ava';
import { CacheSchema } from '../../server/config/cache-schema.js';
import { toConfigIssues } from '../../server/config/format-issues.js';

test('defaults', (t) => {
  const config = CacheSchema.parse({});
  t.like(config, {
    enabled: true,
    ttlMs: 60_000,
    staleWhileRevalidateMs: 0,
    staleIfErrorMs: 86_400_000,
    l1: { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 1024 * 1024 },
    l3: { enabled: false, threshold: 0.95, maxEntries: 10_000 },
    servers: {},
    tools: { allow: [], deny: [], ttl: {} },
  });
  t.is(config.l2.enabled, undefined, 'unset: on when the redis section is configured');
});

test('values from ${ENV} interpolation arrive as strings and are accepted', (t) => {
  const config = CacheSchema.parse({ ttlMs: '5000', enabled: 'false', l3: { threshold: '0.9' } });
  t.is(config.ttlMs, 5_000);
  t.false(config.enabled);
  t.is(config.l3.threshold, 0.9);
});

test('errors name the field and say what was expected', (t) => {
  const result = CacheSchema.safeParse({
    ttlMs: -1,
    l1: { maxBytes: 2048, maxEntryBytes: 4096 },
    l3: { threshold: 1.5 },
    servers: { github: { ttlMs: 'soon' } },
    tools: { allow: 'github/*', ttl: { 'a/b': 1.5 } },
  });
  t.false(result.success);
  const issues = toConfigIssues(result.error!.issues);
  const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  t.regex(byPath.ttlMs!, /^expected an integer number of milliseconds .*, received -1$/);
  t.is(byPath['l1.maxEntryBytes'], 'must not be larger than "maxBytes"');
  t.is(byPath['l3.threshold'], 'expected a number between 0 and 1, received 1.5');
  t.regex(byPath['servers.github.ttlMs']!, /received string "soon"/);
  t.regex(byPath['tools.allow']!, /^expected array of "server\/tool" globs.*, received string/);
  t.regex(byPath['tools.ttl.a/b']!, /received 1.5/);
});
