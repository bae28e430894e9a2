// `localmcp init` as users run it (real CLI processes): the starter project, imports of a Claude Desktop config and
// a VS Code mcp.json, and that what it writes is a config the gateway then serves.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { REPO, runCli, tempDir } from '../helpers/gateway.js';

/** oclif wraps messages at 80 columns behind ` ›`; tests match the unwrapped text. */
const unwrap = (text: string) => text.replace(/\s+(›\s+)?/g, ' ');

interface ServersListing {
  servers: Array<{ name: string; state: string; serverInfo?: { name: string } }>;
}

test('init --yes writes localmcp.yaml, .env.example and the compose override; refuses to overwrite without --force', async (t) => {
  const dir = await tempDir();
  const first = await runCli(['init', '--yes', '--dir', dir, '--json']);
  t.is(first.code, 0, first.stderr);
  const result = JSON.parse(first.stdout) as { servers: string[]; written: string[]; variables: unknown[] };
  t.deepEqual(result.servers, ['memory', 'filesystem']);
  t.deepEqual(
    result.written.sort(),
    ['.env.example', 'docker-compose.override.yml', 'localmcp.yaml'].map((f) => join(dir, f)),
  );

  const yaml = await readFile(join(dir, 'localmcp.yaml'), 'utf8');
  const config = parse(yaml) as {
    gateway: Record<string, unknown>;
    mcpServers: Record<string, Record<string, unknown>>;
  };
  t.deepEqual(Object.keys(config.mcpServers), ['memory', 'filesystem']);
  t.deepEqual(config.mcpServers.memory, { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] });
  t.regex(yaml, /# A knowledge graph/, 'each server under a comment saying what it is');
  t.is(config.gateway.token, '${LOCALMCP_TOKEN:-}');
  const example = await readFile(join(dir, '.env.example'), 'utf8');
  t.regex(example, /^# LOCALMCP_TOKEN=$/m, 'optional variables are commented out');
  t.regex(example, /^# LOCALMCP_ADMIN_TOKEN=$/m);
  t.notRegex(example, /HOME=/, 'variables every shell sets are not listed');
  const compose = parse(await readFile(join(dir, 'docker-compose.override.yml'), 'utf8')) as {
    services: { localmcp: { volumes: string[]; environment: Record<string, string> } };
  };
  t.deepEqual(compose.services.localmcp.volumes, ['.:/config:ro']);
  t.is(compose.services.localmcp.environment.LOCALMCP_CONFIG, '/config/localmcp.yaml');

  // The written config loads as it is (the loader validates every field).
  const check = await runCli(['tools', 'list', '--config', join(dir, 'localmcp.yaml'), '--help']);
  t.is(check.code, 0);

  await writeFile(join(dir, 'localmcp.yaml'), 'mine');
  const second = await runCli(['init', '--yes', '--dir', dir]);
  t.is(second.code, 1);
  t.regex(unwrap(second.stderr), /localmcp\.yaml already exists/);
  t.is(await readFile(join(dir, 'localmcp.yaml'), 'utf8'), 'mine', 'not overwritten');

  await writeFile(join(dir, '.env.example'), 'MY_APP_SETTING=1\n');
  const forced = await runCli(['init', '--force', '--servers', 'github,git', '--dir', dir]);
  t.is(forced.code, 0, forced.stderr);
  t.regex(forced.stdout, /2 servers: github, git/);
  t.regex(forced.stdout, /set GITHUB_TOKEN/, 'the next steps name the variables to set');
  const merged = await readFile(join(dir, '.env.example'), 'utf8');
  t.true(merged.startsWith('MY_APP_SETTING=1\n'), 'an existing .env.example keeps its lines');
  t.regex(merged, /# github: a GitHub personal access token.*\nGITHUB_TOKEN=\n/);
  t.regex(merged, /optional, default: \.\n# GIT_REPOSITORY=\./);
});

test('init imports a Claude Desktop config: inline credentials move to .env, and the result serves', async (t) => {
  const home = await tempDir();
  const dir = await tempDir();
  const echo = stdioFixtureConfig();
  const claude = {
    globalShortcut: 'Ctrl+Space',
    mcpServers: {
      echo: {
        command: echo.command,
        args: echo.args,
        env: { FIXTURE_NAME: 'claude-echo', GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_s3cret-value' },
        autoApprove: ['echo'],
      },
      old: { command: 'no-such-command-localmcp', disabled: true },
    },
  };
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  await writeFile(join(home, '.config', 'Claude', 'claude_desktop_config.json'), JSON.stringify(claude, null, 2));
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };

  const result = await runCli(['init', '--import', 'claude-desktop', '--servers', 'none', '--dir', dir], { env });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /Imported 2 from .*claude_desktop_config\.json/);
  t.regex(unwrap(result.stdout), /Moved GITHUB_PERSONAL_ACCESS_TOKEN out of the config into \.env/);
  t.regex(unwrap(result.stderr), /unknown key "mcpServers\.echo\.autoApprove" ignored/);

  const yaml = await readFile(join(dir, 'localmcp.yaml'), 'utf8');
  t.false(yaml.includes('ghp_s3cret-value'), 'no credential in localmcp.yaml');
  const config = parse(yaml) as { mcpServers: Record<string, Record<string, unknown>> };
  t.deepEqual(config.mcpServers.echo!.env, {
    FIXTURE_NAME: 'claude-echo',
    GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_PERSONAL_ACCESS_TOKEN}',
  });
  t.deepEqual(config.mcpServers.old, { command: 'no-such-command-localmcp', enabled: false });
  const dotenv = join(dir, '.env');
  t.regex(await readFile(dotenv, 'utf8'), /^GITHUB_PERSONAL_ACCESS_TOKEN=ghp_s3cret-value$/m);
  t.is((await stat(dotenv)).mode & 0o777, 0o600);
  const example = await readFile(join(dir, '.env.example'), 'utf8');
  t.regex(example, /^GITHUB_PERSONAL_ACCESS_TOKEN=$/m);
  t.false(example.includes('ghp_s3cret-value'));

  // The gateway reads .env beside the config: the imported server starts and the disabled one stays off.
  const servers = await runCli(['servers', 'list', '--config', join(dir, 'localmcp.yaml'), '--json']);
  t.is(servers.code, 0, servers.stderr);
  const { servers: listed } = JSON.parse(servers.stdout) as ServersListing;
  t.like(Object.fromEntries(listed.map((s) => [s.name, s.state])), { echo: 'ready', old: 'disabled' });
  t.is(listed.find((s) => s.name === 'echo')?.serverInfo?.name, 'claude-echo');
});

test('init imports a VS Code mcp.json: servers, inputs and ${env:...} become ${VAR}s listed in .env.example', async (t) => {
  const dir = await tempDir();
  const echo = stdioFixtureConfig();
  // JSONC as VS Code writes it: comments and trailing commas.
  const mcpJson = `{
  // Workspace MCP servers
  "inputs": [
    { "type": "promptString", "id": "echo-key", "description": "Key for the echo server", "password": true },
  ],
  "servers": {
    "echo": {
      "type": "stdio",
      "command": ${JSON.stringify(echo.command)},
      "args": ${JSON.stringify(echo.args)},
      "cwd": ${JSON.stringify(REPO)},
      "env": { "FIXTURE_NAME": "\${env:ECHO_LABEL}", "ECHO_KEY": "\${input:echo-key}" },
    },
    "remote": {
      "type": "http",
      "url": "http://127.0.0.1:1/mcp",
      "headers": { "Authorization": "Bearer \${input:remote-token}" },
    },
  },
}`;
  await mkdir(join(dir, '.vscode'));
  await writeFile(join(dir, '.vscode', 'mcp.json'), mcpJson);

  const result = await runCli(['init', '--import', '.vscode/mcp.json', '--servers', 'none', '--json'], { cwd: dir });
  t.is(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as {
    servers: string[];
    variables: Array<{ name: string; required: boolean }>;
    imported: { servers: string[] };
  };
  t.deepEqual(summary.imported.servers, ['echo', 'remote']);
  t.deepEqual(
    summary.variables.filter((v) => v.required).map((v) => v.name),
    ['ECHO_LABEL', 'ECHO_KEY', 'REMOTE_TOKEN'],
  );

  const config = parse(await readFile(join(dir, 'localmcp.yaml'), 'utf8')) as {
    mcpServers: Record<string, Record<string, unknown>>;
  };
  t.deepEqual(config.mcpServers.echo, {
    command: echo.command,
    args: echo.args,
    cwd: REPO, // absolute, so kept as it is (tsx resolves from there)
    env: { FIXTURE_NAME: '${ECHO_LABEL}', ECHO_KEY: '${ECHO_KEY}' },
  });
  t.deepEqual(config.mcpServers.remote, {
    url: 'http://127.0.0.1:1/mcp',
    headers: { Authorization: 'Bearer ${REMOTE_TOKEN}' },
  });
  const example = await readFile(join(dir, '.env.example'), 'utf8');
  t.regex(example, /# Key for the echo server\nECHO_KEY=\n/, 'the input description documents its variable');
  t.regex(example, /# VS Code input "remote-token".*\nREMOTE_TOKEN=\n/);

  // With the variables set, the imported server starts under the name the ${env:...} reference gave it.
  const env = { ECHO_LABEL: 'vscode-echo', ECHO_KEY: 'k', REMOTE_TOKEN: 't' };
  const servers = await runCli(['servers', 'list', '--json'], { cwd: dir, env });
  t.is(servers.code, 3, 'exit 3: the remote server is unreachable');
  const { servers: listed } = JSON.parse(servers.stdout) as ServersListing;
  t.is(listed.find((s) => s.name === 'echo')?.serverInfo?.name, 'vscode-echo');
  t.not(listed.find((s) => s.name === 'remote')?.state, 'ready');
});

test('init errors: an unknown server id or a broken import exits 2 and writes nothing', async (t) => {
  const dir = await tempDir();
  const unknown = await runCli(['init', '--servers', 'memory,nope', '--dir', dir]);
  t.is(unknown.code, 2);
  t.regex(unwrap(unknown.stderr), /unknown server "nope"; known: memory, filesystem, everything/);

  const missing = await runCli(['init', '--import', join(dir, 'none.json'), '--dir', dir]);
  t.is(missing.code, 2);
  t.regex(unwrap(missing.stderr), /Cannot read .*none\.json/);

  await writeFile(join(dir, 'broken.json'), JSON.stringify({ mcpServers: { bad: { args: ['x'] } } }));
  const broken = await runCli(['init', '--import', join(dir, 'broken.json'), '--dir', dir, '--json']);
  t.is(broken.code, 2, 'the exit code survives --json');
  const { error } = JSON.parse(broken.stdout) as { error: { message: string } };
  t.regex(error.message, /mcpServers\.bad: needs "command"/);

  await writeFile(join(dir, 'empty.json'), '{"preferences": {}}');
  const empty = await runCli(['init', '--import', join(dir, 'empty.json'), '--dir', dir]);
  t.is(empty.code, 2);
  t.regex(unwrap(empty.stderr), /has no MCP servers/);
  await t.throwsAsync(readFile(join(dir, 'localmcp.yaml')), undefined, 'nothing written');
});
