// The toolbox demo server as the gateway runs it: a stdio child process started from demoServers().
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import anyTest, { type TestFn } from 'ava';
import { demoServers } from '../../server/demo/index.js';
import { connectStdio, firstText } from '../helpers/clients.js';

const test = anyTest as TestFn<{ client: Client }>;

test.before(async (t) => {
  t.context.client = await connectStdio(demoServers().toolbox);
});
test.after.always(async (t) => {
  await t.context.client?.close();
});

const call = (t: { context: { client: Client } }, name: string, args: Record<string, unknown> = {}) =>
  t.context.client.callTool({ name, arguments: args });

test('identifies as toolbox and lists its tools with hints', async (t) => {
  t.is(t.context.client.getServerVersion()?.name, 'toolbox');
  const { tools } = await t.context.client.listTools();
  const hints = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
  t.deepEqual(Object.keys(hints).sort(), ['calculate', 'convert_time', 'current_time', 'random_number', 'uuid']);
  for (const name of Object.keys(hints)) t.true(hints[name]?.readOnlyHint, name);
  t.true(hints.calculate?.idempotentHint);
  t.false(hints.random_number?.idempotentHint);
  t.false(hints.uuid?.idempotentHint);
});

test('calculate follows precedence and associativity', async (t) => {
  const results = await Promise.all(
    ['1 + 2 * 3', '2^3^2', '-2^2', '-(3 - 5) * 4', '0.1 + 0.2', 'max(1, sqrt(49))'].map((expression) =>
      call(t, 'calculate', { expression }),
    ),
  );
  t.deepEqual(results.map(firstText), ['7', '512', '-4', '8', '0.3', '7']);
  t.true(results.every((result) => !result.isError));
});

test('calculate reports division by zero and parse errors as tool errors', async (t) => {
  const byZero = await call(t, 'calculate', { expression: '1 / (2 - 2)' });
  t.true(byZero.isError);
  t.is(firstText(byZero), 'division by zero at position 3');
  const unbalanced = await call(t, 'calculate', { expression: '(1 + 2' });
  t.true(unbalanced.isError);
  t.regex(firstText(unbalanced), /expected '\)' at position 7/);
});

test('current_time defaults to UTC and honours a time zone', async (t) => {
  const utc = JSON.parse(firstText(await call(t, 'current_time'))) as Record<string, string>;
  t.is(utc.timezone, 'UTC');
  t.is(utc.offset, '+00:00');
  t.true(Math.abs(Date.parse(utc.iso!) - Date.now()) < 60_000);
  const tokyo = JSON.parse(firstText(await call(t, 'current_time', { timezone: 'Asia/Tokyo' }))) as Record<
    string,
    string
  >;
  t.is(tokyo.offset, '+09:00'); // Japan has no daylight saving time
  t.regex(tokyo.local!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
});

test('current_time rejects an unknown zone with the reason', async (t) => {
  const result = await call(t, 'current_time', { timezone: 'Mars/Olympus_Mons' });
  t.true(result.isError);
  t.regex(firstText(result), /Unknown time zone 'Mars\/Olympus_Mons'/);
});

test('convert_time reads wall-clock times in from_timezone, exact instants as given', async (t) => {
  const wall = JSON.parse(
    firstText(
      await call(t, 'convert_time', {
        time: '2025-01-31T09:00',
        from_timezone: 'America/New_York',
        to_timezone: 'Asia/Tokyo',
      }),
    ),
  );
  t.is(wall.from.local, '2025-01-31T09:00:00-05:00');
  t.is(wall.to.local, '2025-01-31T23:00:00+09:00');
  t.is(wall.to.iso, '2025-01-31T14:00:00.000Z');
  const summer = JSON.parse(
    firstText(await call(t, 'convert_time', { time: '2025-07-01T12:00:00Z', to_timezone: 'Europe/Paris' })),
  );
  t.is(summer.to.local, '2025-07-01T14:00:00+02:00');
  const bad = await call(t, 'convert_time', { time: 'next tuesday', to_timezone: 'UTC' });
  t.true(bad.isError);
  t.regex(firstText(bad), /Invalid time 'next tuesday'/);
});

test('random_number stays within bounds', async (t) => {
  const integers = await Promise.all(
    Array.from({ length: 20 }, () => call(t, 'random_number', { min: 1, max: 3, integer: true })),
  );
  for (const value of integers.map((result) => Number(firstText(result)))) {
    t.true(Number.isInteger(value) && value >= 1 && value <= 3, String(value));
  }
  const real = Number(firstText(await call(t, 'random_number', { min: 0.5, max: 0.75 })));
  t.true(real >= 0.5 && real <= 0.75);
  const inverted = await call(t, 'random_number', { min: 5, max: 1 });
  t.true(inverted.isError);
});

test('uuid returns distinct version-4 UUIDs', async (t) => {
  const [a, b] = (await Promise.all([call(t, 'uuid'), call(t, 'uuid')])).map(firstText);
  t.regex(a!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(a, b);
});

test('explain_calculation prompt carries the expression and its value', async (t) => {
  const { prompts } = await t.context.client.listPrompts();
  t.deepEqual(
    prompts.map((prompt) => prompt.name),
    ['explain_calculation'],
  );
  const { messages } = await t.context.client.getPrompt({
    name: 'explain_calculation',
    arguments: { expression: '2^3^2' },
  });
  t.is(messages.length, 1);
  t.is(messages[0]?.role, 'user');
  const content = messages[0]?.content;
  t.is(content?.type, 'text');
  t.regex(content?.type === 'text' ? content.text : '', /`2\^3\^2`[\s\S]*512/);
});
