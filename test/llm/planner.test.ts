import test from 'ava';
import { ErrorCodes } from '@localmcp/plugin-api';
import type { ToolCall } from '@localmcp/plugin-api';
import { runPlan } from '../../server/llm/agent/executor.js';
import { planCalls } from '../../server/llm/agent/planner.js';
import { findReferences, parseReference, resolveReferences, resultValue } from '../../server/llm/agent/references.js';

const call = (id: string, args: Record<string, unknown> = {}, name = 'call_tool'): ToolCall => ({
  id,
  name,
  arguments: args,
});

test('references: whole-string $id and $id.path with fields and indexes; $$ escapes; other text is left alone', (t) => {
  t.deepEqual(parseReference('$call_1.items[0].id'), {
    callId: 'call_1',
    path: ['items', 0, 'id'],
    raw: '$call_1.items[0].id',
  });
  t.deepEqual(parseReference('$toolu_01A'), { callId: 'toolu_01A', path: [], raw: '$toolu_01A' });
  for (const text of ['costs $5', '$5.00', 'echo $HOME now', '$$literal', 'plain'])
    t.is(parseReference(text), undefined, text);
  const args = { a: '$x.n', nested: { list: ['$y', 'keep', '$$x'] }, n: 3 };
  t.deepEqual(
    findReferences(args).map((r) => r.callId),
    ['x', 'y'],
  );
  const values: Record<string, unknown> = { x: { n: 42 }, y: 'text result' };
  t.deepEqual(
    resolveReferences(args, (id) => values[id]),
    { a: 42, nested: { list: ['text result', 'keep', '$x'] }, n: 3 },
  );
  const error = t.throws(() => resolveReferences({ a: '$x.m.k' }, (id) => values[id]));
  t.is((error as { code?: string }).code, ErrorCodes.REFERENCE_UNRESOLVED);
  t.is(error!.message, '$x.m.k: $x has no field "m" (it is an object with n)');
  t.throws(() => resolveReferences('$y[2]', (id) => values[id]), {
    message: /\$y has no item \[2\] \(it is string "text result"\)/,
  });
});

test('a result is referenced as structuredContent, else JSON text parsed, else the text', (t) => {
  t.deepEqual(resultValue({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { b: 2 } }), { b: 2 });
  t.deepEqual(resultValue({ content: [{ type: 'text', text: ' {"tools":[{"name":"x"}]}' }] }), {
    tools: [{ name: 'x' }],
  });
  t.is(resultValue({ content: [{ type: 'text', text: 'slept 5 ms' }] }), 'slept 5 ms');
  t.is(resultValue({ content: [{ type: 'text', text: '{not json' }] }), '{not json');
});

test('the plan: independent calls in one wave, dependent ones after what they reference', (t) => {
  const plan = planCalls(
    [
      call('a', { name: 't', arguments: { ms: 1 } }),
      call('b', { name: 't', arguments: { ms: 1 } }),
      call('c', { name: 'join', arguments: { parts: ['$a', '$b'] } }),
      call('d', { name: 'x', arguments: { v: '$c', w: '$earlier.id' } }),
    ],
    new Set(['earlier']),
  );
  t.deepEqual(plan.waves, [['a', 'b'], ['c'], ['d']]);
  t.deepEqual(
    plan.calls.map((c) => [c.id, c.dependsOn]),
    [
      ['a', []],
      ['b', []],
      ['c', ['a', 'b']],
      ['d', ['c']],
    ],
  );
});

test('a cycle, a self-reference, a missing reference or a repeated id is a clear error before anything runs', (t) => {
  const cycle = t.throws(() =>
    planCalls([call('a', { v: '$c' }), call('b', { v: '$a' }), call('c', { v: '$b' }), call('d')], new Set()),
  );
  t.is((cycle as { code?: string }).code, ErrorCodes.PLAN_INVALID);
  t.is(
    cycle!.message,
    'invalid tool-call plan: the calls a → c → b → a reference each other in a cycle; none of them can run first; nothing was run',
  );
  t.throws(() => planCalls([call('a', { v: '$a.x' })], new Set()), {
    message: /call a \(call_tool\) references its own result/,
  });
  t.throws(() => planCalls([call('a'), call('b', { v: '$zz.id' })], new Set(['earlier'])), {
    message:
      /call b \(call_tool\) references \$zz.id, but there is no call "zz" in this batch or before it \(known: a, earlier\)/,
  });
  t.throws(() => planCalls([call('a'), call('a')], new Set()), { message: /two calls in one batch have the id "a"/ });
});

test('the executor runs independent calls at once and a dependent call after them, with values filled in', async (t) => {
  const plan = planCalls(
    [call('a', { wait: 150, say: 'A' }), call('b', { wait: 150, say: 'B' }), call('c', { parts: ['$a', '$b.word'] })],
    new Set(),
  );
  const running = new Set<string>();
  let overlap = false;
  const values = new Map<string, unknown>();
  const outcomes = await runPlan(
    plan,
    async (planned, args) => {
      running.add(planned.id);
      if (running.size > 1) overlap = true;
      await new Promise((resolve) => setTimeout(resolve, (args.wait as number | undefined) ?? 0));
      running.delete(planned.id);
      return planned.id === 'b' ? { word: 'bee' } : planned.id === 'a' ? 'ay' : args;
    },
    values,
    (result) => ({ value: result, failed: false }),
  );
  t.true(overlap, 'a and b ran at the same time');
  const [a, b, c] = outcomes;
  t.true(c!.startMs >= Math.max(a!.endMs, b!.endMs), 'c started after both');
  t.deepEqual(c!.arguments, { parts: ['ay', 'bee'] });
  t.deepEqual([...values.keys()].sort(), ['a', 'b', 'c']);
});

test('a failed call stops the calls that use its result, not the others', async (t) => {
  const plan = planCalls([call('a'), call('b'), call('c', { v: '$a' }), call('d', { v: '$b.missing' })], new Set());
  const ran: string[] = [];
  const outcomes = await runPlan(
    plan,
    async (planned) => {
      ran.push(planned.id);
      if (planned.id === 'a') throw new Error('upstream down');
      return { ok: true };
    },
    new Map(),
    (result) => ({ value: result, failed: false }),
  );
  t.deepEqual(ran.sort(), ['a', 'b']);
  const byId = Object.fromEntries(outcomes.map((o) => [o.id, o.error?.message]));
  t.is(byId.a, 'upstream down');
  t.is(byId.b, undefined);
  t.is(byId.c, 'not run: it uses the result of a, which failed');
  t.is(byId.d, '$b.missing: $b has no field "missing" (it is an object with ok)');
});
