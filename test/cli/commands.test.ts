// The CLI as users run it: real `node cli/bin/run.js` processes with a temporary data dir.
import test from 'ava';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, spawnGateway, tempDir, writeConfig } from '../helpers/gateway.js';

test('an invalid config exits non-zero naming the file and the field', async (t) => {
  const file = await writeConfig(
    'mcpServers:\n  broken:\n    command: 42\n  fine:\n    command: echo\n',
    'localmcp.yaml',
  );
  const result = await runCli(['serve', '--config', file]);
  t.is(result.code, 2);
  t.true(result.stderr.includes(file), 'names the file');
  t.regex(result.stderr, /mcpServers\.broken\.command/);
  t.regex(result.stderr, /expected/);
  t.notRegex(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
});

test('a missing config file is a clear error', async (t) => {
  const result = await runCli(['tools', 'list', '--config', '/nonexistent/localmcp.yaml']);
  t.is(result.code, 2);
  t.regex(result.stderr, /\/nonexistent\/localmcp\.yaml/);
});

test('binding a non-loopback address without a token is refused', async (t) => {
  const file = await writeConfig({ mcpServers: {} });
  const result = await runCli(['serve', '--config', file, '--host', '0.0.0.0', '--port', '0']);
  t.is(result.code, 1);
  t.regex(result.stderr, /refusing to listen on 0\.0\.0\.0 without a bearer token/);
});

test('with a token, every request needs it', async (t) => {
  const file = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const gateway = await spawnGateway(['--config', file, '--host', '0.0.0.0'], { LOCALMCP_TOKEN: 's3cret-token' });
  t.teardown(() => gateway.stop());
  const url = gateway.url.replace('0.0.0.0', '127.0.0.1');
  t.is((await fetch(`${url}/readyz`)).status, 401);
  // Liveness is public (an orchestrator's probe carries no secret) and says nothing but that it is alive.
  const alive = await fetch(`${url}/healthz`);
  t.is(alive.status, 200);
  t.deepEqual(await alive.json(), { status: 'ok' });
  t.is((await fetch(`${url}/healthz`, { method: 'POST' })).status, 401, 'only GET and HEAD are public');
  t.is((await fetch(`${url}/readyz`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  t.is((await fetch(`${url}/readyz`, { headers: { authorization: 'Bearer s3cret-token' } })).status, 200);
  t.false(gateway.stderr().includes('s3cret-token'), 'the token is not logged');
});

test('servers list and tools list connect to the configured upstreams (--json)', async (t) => {
  const file = await writeConfig({
    mcpServers: { echo: stdioFixtureConfig(), ghost: { command: 'no-such-command-localmcp' } },
  });
  const servers = await runCli(['servers', 'list', '--config', file, '--json']);
  t.is(servers.code, 3, 'exit 3: an enabled server is unreachable');
  const parsed = JSON.parse(servers.stdout) as {
    servers: Array<{ name: string; state: string; toolCount: number; lastError?: string }>;
  };
  t.is(parsed.servers.find((s) => s.name === 'echo')?.state, 'ready');
  t.true(parsed.servers.find((s) => s.name === 'echo')!.toolCount >= 5);
  t.regex(parsed.servers.find((s) => s.name === 'ghost')?.lastError ?? '', /ENOENT/);

  const tools = await runCli(['tools', 'list', '--config', file, '--server', 'echo', '--json']);
  const list = JSON.parse(tools.stdout) as { tools: Array<{ name: string; server: string }> };
  t.true(list.tools.some((tool) => tool.name === 'echo__echo'));
  t.true(list.tools.every((tool) => tool.server === 'echo'));

  const table = await runCli(['tools', 'list', '--config', file]);
  t.regex(table.stdout, /NAME\s+SERVER\s+DESCRIPTION/);
  t.regex(table.stdout, /echo__add/);
});

test('with no config file, the built-in demo servers are used', async (t) => {
  const cwd = await tempDir();
  const result = await runCli(['tools', 'list', '--json'], { cwd });
  t.is(result.code, 0, result.stderr);
  const names = (JSON.parse(result.stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
  t.true(names.includes('notes__add_note'));
  t.true(names.includes('toolbox__calculate'));
});

test('serve accepts a Cursor mcp.json as it is', async (t) => {
  const echo = stdioFixtureConfig();
  const file = await writeConfig({ mcpServers: { 'my-echo': { command: echo.command, args: echo.args } } }, 'mcp.json');
  const result = await runCli(['tools', 'list', '--config', file, '--json']);
  t.is(result.code, 0, result.stderr);
  t.true(
    (JSON.parse(result.stdout) as { tools: Array<{ name: string }> }).tools.some(
      (tool) => tool.name === 'my-echo__echo',
    ),
  );
});

test('--help and --version work on every command', async (t) => {
  const version = await runCli(['--version']);
  t.regex(version.stdout, /localmcp\/0\.1\.0/);
  for (const command of [['serve'], ['init'], ['servers', 'list'], ['tools', 'list'], ['plugins']]) {
    const help = await runCli([...command, '--help']);
    t.is(help.code, 0, `${command.join(' ')} --help`);
    t.regex(help.stdout, /USAGE/);
  }
});

test('tools search ranks the demo tools (table, --explain, --json)', async (t) => {
  const cwd = await tempDir();
  const json = await runCli(['tools', 'search', 'write down a reminder to buy milk', '--json'], { cwd });
  t.is(json.code, 0, json.stderr);
  const { tools } = JSON.parse(json.stdout) as { tools: Array<{ name: string; score: number; reason: string }> };
  t.is(tools[0]?.name, 'notes__add_note');
  t.true(
    tools.every((tool, i) => i === 0 || tool.score <= tools[i - 1]!.score),
    'ranked by score',
  );

  const table = await runCli(['tools', 'search', 'current time in a time zone', '--limit', '2', '--explain'], { cwd });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /SCORE\s+TOOL\s+SERVER\s+MATCHED/);
  t.regex(table.stdout, /toolbox__current_time/);
  t.regex(table.stdout, /name: .*time/);

  const none = await runCli(['tools', 'search', 'qqqzzz xxyyww'], { cwd });
  t.is(none.code, 0);
  t.regex(none.stdout, /No tool matched/);
});
