// `localmcp status` against a real `localmcp serve` process, exit codes under --json, and shell completion.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, spawnGateway, tempDir, writeConfig } from '../helpers/gateway.js';
import { freePort } from '../helpers/process.js';

interface Status {
  url: string;
  ready: boolean;
  upstreams: Array<{ name: string; state: string; toolCount: number }>;
  policy: string;
  breakers: Array<{ server: string; state: string }>;
  sessions?: { streamableHttp: number; sse: number };
}

test('status shows upstreams, circuits and sessions; exit 3 while an enabled upstream is down', async (t) => {
  const config = await writeConfig({
    mcpServers: {
      echo: stdioFixtureConfig(),
      ghost: { command: 'no-such-command-localmcp', restart: { maxAttempts: 0 } }, // stays down
    },
  });
  const gateway = await spawnGateway(['--config', config]);
  t.teardown(() => gateway.stop());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());

  const json = await runCli(['status', '--config', config, '--url', gateway.url, '--json']);
  t.is(json.code, 3, json.stderr);
  const status = JSON.parse(json.stdout) as Status;
  t.is(status.url, gateway.url);
  t.like(Object.fromEntries(status.upstreams.map((u) => [u.name, u.state])), { echo: 'ready', ghost: 'down' });
  t.true(status.upstreams.find((u) => u.name === 'echo')!.toolCount >= 5);
  t.is(status.policy, 'elastic');
  t.like(Object.fromEntries(status.breakers.map((b) => [b.server, b.state])), { echo: 'CLOSED' });
  t.deepEqual(status.sessions, { streamableHttp: 1, sse: 0 }, 'the client above holds one session');

  const text = await runCli(['status', '--config', config, '--url', gateway.url]);
  t.is(text.code, 3);
  t.regex(text.stdout, /^gateway http:\/\/\S+: ready · 1\/2 upstreams ready · 1 sessions \(1 Streamable HTTP, 0 SSE\)/);
  t.regex(text.stdout, /SERVER\s+STATE\s+TRANSPORT\s+TOOLS\s+RESTARTS\s+CIRCUIT\s+LAST ERROR/);
  t.regex(text.stdout, /echo\s+ready\s+stdio\s+\d+\s+0\s+CLOSED/);
  t.regex(text.stdout, /ghost\s+down\s+stdio\s+0\s+/);
  t.regex(text.stderr, /not ready: ghost \(down\)/);
});

test('with no gateway, status and breakers exit 3, also under --json (oclif would say 1)', async (t) => {
  const url = `http://127.0.0.1:${await freePort()}`;
  for (const args of [['status'], ['status', '--json'], ['breakers', 'list', '--json']]) {
    const result = await runCli([...args, '--url', url]);
    t.is(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
    t.regex(result.stdout + result.stderr, /no gateway answered/);
  }
  const usage = await runCli(['keys', 'create', '--json']);
  t.is(usage.code, 2, 'a missing required flag is a usage error under --json too');
});

test('shell completion: `autocomplete --refresh-cache` writes bash and zsh completions naming every command', async (t) => {
  const cacheDir = await tempDir();
  const result = await runCli(['autocomplete', '--refresh-cache'], { env: { LOCALMCP_CACHE_DIR: cacheDir } });
  t.is(result.code, 0, result.stderr);
  const bash = await readFile(join(cacheDir, 'autocomplete', 'functions', 'bash', 'localmcp.bash'), 'utf8');
  for (const id of ['init:plugin', 'init:server', 'status', 'tools:search', 'breakers:reset']) {
    t.true(bash.includes(id), `bash completion knows ${id}`);
  }
  const zsh = await readFile(join(cacheDir, 'autocomplete', 'functions', 'zsh', '_localmcp'), 'utf8');
  t.regex(zsh, /status/);
});
