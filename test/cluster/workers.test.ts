// `localmcp serve --workers 2` as a real process tree: the primary forks two workers sharing the port; requests
// on fresh connections land on both (round-robin), one Streamable HTTP session spans them through Redis, /metrics
// answers for all workers from any, a killed worker is replaced, and SIGTERM stops everything.
import { request } from 'node:http';
import test from 'ava';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { spawnGateway, writeConfig } from '../helpers/gateway.js';
import { parseExposition, sampleSum } from '../helpers/prometheus.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

interface RpcAnswer {
  status: number;
  sessionId?: string;
  body: { result?: { content?: Array<{ text?: string }> }; error?: { message: string } } | undefined;
}

/** One JSON-RPC POST on a connection of its own (agent: false), so that the cluster may hand it to any worker. */
function post(url: string, message: unknown, sessionId?: string): Promise<RpcAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/mcp`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          // A request answered over SSE: the last `data:` line is the response.
          const data = text
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .at(-1);
          const json = data ? data.slice(6) : text;
          resolve({
            status: res.statusCode ?? 0,
            sessionId: res.headers['mcp-session-id'] as string | undefined,
            body: json ? (JSON.parse(json) as RpcAnswer['body']) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(message));
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'workers-test', version: '1' } },
};
const callPid = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo__pid', arguments: {} },
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('serve --workers 2 shares the port, the session, the metrics; replaces a dead worker; stops on SIGTERM', async (t) => {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const config = await writeConfig({
    redis: { url: redis.url, keyPrefix: 'workers-test:' },
    cache: { enabled: false }, // each answer comes from the worker asked
    mcpServers: { echo: stdioFixtureConfig() },
  });
  const gateway = await spawnGateway(['--config', config, '--workers', '2']);
  t.teardown(() => gateway.stop('SIGKILL'));
  const banner = await waitFor(() => /2 workers \(pids (\d+), (\d+)\) share the port/.exec(gateway.stdout()), {
    message: 'the workers line',
  });
  const workerPids = [Number(banner![1]), Number(banner![2])];

  // One session, opened on whichever worker, used on fresh connections: every call succeeds, and the calls
  // reached both workers (each runs its own echo upstream, so the upstream pid tells them apart).
  const opened = await post(gateway.url, initialize);
  t.is(opened.status, 200);
  const sessionId = opened.sessionId!;
  t.truthy(sessionId);
  t.is((await post(gateway.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId)).status, 202);
  const upstreamPids = new Set<string>();
  for (let i = 1; i <= 8; i++) {
    const answer = await post(gateway.url, callPid(i), sessionId);
    t.is(answer.status, 200, JSON.stringify(answer.body));
    upstreamPids.add(answer.body!.result!.content![0]!.text!);
  }
  t.is(upstreamPids.size, 2, 'the session was served by both workers');

  // /metrics from any worker covers both: 8 tools/call whichever worker answered each.
  for (let i = 0; i < 2; i++) {
    const metrics = await fetch(`${gateway.url}/metrics`, { headers: { connection: 'close' } }).catch(() => undefined);
    const text = await metrics!.text();
    const samples = parseExposition(text);
    t.is(sampleSum(samples, 'localmcp_requests_total', { method: 'tools/call', status: 'ok' }), 8);
    t.is(sampleSum(samples, 'localmcp_upstream_up', { server: 'echo' }), 1, "'min' across workers");
  }

  // A worker killed outright is replaced; the session goes on.
  process.kill(workerPids[0]!, 'SIGKILL');
  await waitFor(() => /worker died; starting another/.test(gateway.stderr()), { timeoutMs: 10_000 });
  await waitFor(
    async () => {
      const answer = await post(gateway.url, callPid(100), sessionId);
      return answer.status === 200 && !upstreamPids.has(answer.body!.result!.content![0]!.text!);
    },
    { timeoutMs: 60_000, intervalMs: 200, message: 'a call answered by the replacement worker' },
  );

  // SIGTERM to the primary: every worker shuts down and the primary exits 0.
  const code = await gateway.stop('SIGTERM');
  t.is(code, 0);
  t.false(alive(workerPids[1]!));
});

test('serve --workers 2 without redis and without --stateless is refused', async (t) => {
  const config = await writeConfig({ mcpServers: { echo: stdioFixtureConfig() } });
  const error = await t.throwsAsync(spawnGateway(['--config', config, '--workers', '2']));
  t.regex(error!.message, /exited with 2/);
  t.regex(error!.message, /--workers 2 needs shared session state/);
});
