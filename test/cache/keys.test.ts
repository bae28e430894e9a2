// Cache keys: the same call in any key order is one key; anything that changes the answer changes the key.
import test from 'ava';
import { canonicalJson, toolCallKey } from '../../server/cache/keys.js';
import { escapeRedisPattern } from '../../server/cache/keys.js';

const call = { server: 'github', tool: 'search', identity: 'github@gh/1.0.0' };

test('canonical JSON sorts keys at every depth and keeps array order', (t) => {
  const a = canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } });
  t.is(a, '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  t.is(canonicalJson({ a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 }), a);
  t.not(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('canonical JSON follows JSON.stringify for values JSON cannot hold', (t) => {
  t.is(canonicalJson({ a: undefined, b: null, c: NaN, d: [undefined] }), '{"b":null,"c":null,"d":[null]}');
  t.is(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  t.is(canonicalJson('line\n"q"'), JSON.stringify('line\n"q"'));
});

test('argument order does not change the key; arguments, tool, server and identity do', (t) => {
  const base = toolCallKey({ ...call, args: { q: 'mcp', page: 1 } });
  t.is(toolCallKey({ ...call, args: { page: 1, q: 'mcp' } }).id, base.id);
  t.is(toolCallKey({ ...call, args: { q: 'mcp', page: 1, extra: undefined } }).id, base.id);
  const others = [
    toolCallKey({ ...call, args: { q: 'mcp', page: 2 } }),
    toolCallKey({ ...call, tool: 'search_code', args: { q: 'mcp', page: 1 } }),
    toolCallKey({ ...call, server: 'gitlab', args: { q: 'mcp', page: 1 } }),
    toolCallKey({ ...call, identity: 'github@gh/1.1.0', args: { q: 'mcp', page: 1 } }),
  ];
  t.is(new Set([base.id, ...others.map((k) => k.id)]).size, 5);
  t.is(base.argsJson, '{"page":1,"q":"mcp"}');
});

test('no arguments and empty arguments are the same call', (t) => {
  t.is(toolCallKey({ ...call, args: undefined }).id, toolCallKey({ ...call, args: {} }).id);
});

test('the server part of a key cannot run into another server name', (t) => {
  const plain = toolCallKey({ ...call, server: 'a', args: {} });
  const colon = toolCallKey({ ...call, server: 'a:b', args: {} });
  t.regex(plain.id, /^a:[0-9a-f]{32}$/);
  t.true(colon.id.startsWith('a%3Ab:'));
  t.false(colon.id.startsWith('a:'), 'a SCAN of server "a" must not match server "a:b"');
});

test('Redis glob characters are escaped for SCAN MATCH', (t) => {
  t.is(escapeRedisPattern('p:cache:we*ird?[x]\\'), 'p:cache:we\\*ird\\?\\[x\\]\\\\');
});
