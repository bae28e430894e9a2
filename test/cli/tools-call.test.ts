// `localmcp tools call` as users run it: a real CLI process against the configured upstreams.
import test from 'ava';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, writeConfig } from '../helpers/gateway.js';

const config = () =>
  writeConfig({ mcpServers: { echo: stdioFixtureConfig(), ghost: { command: 'no-such-command-localmcp' } } });

test('tools call prints the text of the answer; --json the whole result; --arg values are read as JSON', async (t) => {
  const file = await config();
  const plain = await runCli(['tools', 'call', 'echo__echo', '--config', file, '--arg', 'text=hello there']);
  t.is(plain.code, 0, plain.stderr);
  t.is(plain.stdout.trim(), 'hello there');

  const json = await runCli([
    'tools',
    'call',
    'echo__add',
    '--config',
    file,
    '--arg',
    'a=2',
    '--arg',
    'b=40',
    '--json',
  ]);
  t.is(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout) as { content: Array<{ type: string; text: string }>; isError?: boolean };
  t.is(result.content[0]?.text, '42');
  t.falsy(result.isError);
});

test('tools call: wrong arguments and unknown tools exit 2 saying what is wrong; a tool error exits 1', async (t) => {
  const file = await config();
  const wrong = await runCli(['tools', 'call', 'echo__echo', '--config', file, '--args', '{"text": 5}']);
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /Invalid arguments for "echo__echo"/);
  t.regex(wrong.stderr, /text/);
  t.notRegex(wrong.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');

  const unknown = await runCli(['tools', 'call', 'echo__nope', '--config', file]);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /Unknown tool "echo__nope"/);

  const failed = await runCli(['tools', 'call', 'echo__fail', '--config', file, '--arg', 'message=it broke']);
  t.is(failed.code, 1);
  t.regex(failed.stdout, /it broke/);
  t.regex(failed.stderr, /answered with an error/);

  for (const bad of ['[1]', '{"text":']) {
    const refused = await runCli(['tools', 'call', 'echo__echo', '--config', file, '--args', bad]);
    t.is(refused.code, 2, bad);
    t.regex(refused.stderr, /--args/);
  }
});

test('tools call on a server that did not start exits 3 naming it', async (t) => {
  const result = await runCli(['tools', 'call', 'ghost__anything', '--config', await config()]);
  t.is(result.code, 3);
  t.regex(result.stderr, /server "ghost" is \w+; run `localmcp servers list`/);
});
