// `localmcp bench gateway` as users run it (a real `localmcp serve`, mcp-proxy and mcp-hub from the dev
// dependencies), and the parts it is built from: --against parsing and the HTTP/1.1 client's framing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { parseAgainst } from '../../server/bench/against.js';
import { Http1Connection } from '../../server/bench/http1.js';
import { runCli } from '../helpers/gateway.js';

interface Target {
  name: string;
  transport: string;
  p50Ms: number;
  p99Ms: number;
  throughput: number;
  errors: number;
  concurrent?: { clients: number; calls: number; errors: number; throughput: number };
  skipped?: string;
}

test('bench gateway --json measures every target sequentially and concurrently, other gateways included', async (t) => {
  const result = await runCli(
    [
      'bench',
      'gateway',
      '--calls',
      '40',
      '--concurrency',
      '4',
      '--warmup',
      '5',
      '--against',
      'mcp-proxy',
      '--against',
      'mcp-hub',
      '--against',
      'nobody=http://127.0.0.1:9/mcp',
      '--json',
    ],
    { timeoutMs: 240_000 },
  );
  t.is(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { client: string; targets: Target[] };
  t.is(report.client, 'wire');
  t.deepEqual(
    report.targets.map((x) => [x.name, x.transport]),
    [
      ['direct', 'stdio'],
      ['localmcp-http', 'streamable-http'],
      ['localmcp-sse', 'sse'],
      ['localmcp-stdio', 'stdio'],
      ['mcp-proxy', 'streamable-http'],
      ['mcp-hub', 'sse'],
      ['nobody', 'streamable-http'],
    ],
  );
  for (const target of report.targets.filter((x) => x.name !== 'nobody')) {
    t.is(target.skipped, undefined, `${target.name} ran`);
    for (const key of ['p50Ms', 'p99Ms', 'throughput', 'errors'] as const) t.is(typeof target[key], 'number');
    t.is(target.errors, 0, `${target.name}: every answer was the text sent`);
    t.true(target.p50Ms > 0 && target.p99Ms >= target.p50Ms);
    t.like(target.concurrent, { clients: 4, calls: 40, errors: 0 });
  }
  // A gateway that cannot be reached is reported, not fatal.
  t.regex(report.targets.at(-1)!.skipped ?? '', /ECONNREFUSED|closed/);
});

test('--against takes a preset, a URL or a command', async (t) => {
  t.like(await parseAgainst('mcp-proxy'), { name: 'mcp-proxy', transport: 'streamable-http' });
  t.like(await parseAgainst('mcp-hub'), { name: 'mcp-hub', transport: 'sse' });
  t.deepEqual(await parseAgainst('x=http://h:1/mcp'), {
    name: 'x',
    transport: 'streamable-http',
    url: 'http://h:1/mcp',
  });
  t.deepEqual(await parseAgainst('y=http://h:1/sse'), { name: 'y', transport: 'sse', url: 'http://h:1/sse' });
  t.deepEqual(await parseAgainst('z=sse+http://h:1/mcp'), { name: 'z', transport: 'sse', url: 'http://h:1/mcp' });
  t.deepEqual(await parseAgainst('g=my-gw --port {port} -- {upstream}'), {
    name: 'g',
    transport: 'streamable-http',
    url: 'http://127.0.0.1:{port}/mcp',
    command: 'my-gw --port {port} -- {upstream}',
  });
  t.deepEqual(await parseAgainst('h=hub -p {port} @ sse+http://127.0.0.1:{port}/events'), {
    name: 'h',
    transport: 'sse',
    url: 'http://127.0.0.1:{port}/events',
    command: 'hub -p {port}',
  });
  await t.throwsAsync(parseAgainst('unknown-gateway'), { message: /not a known gateway/ });
});

test('the HTTP/1.1 client reads Content-Length and chunked bodies split anywhere, one after another', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/fixed') {
      const body = '{"a":"été"}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    // Chunked, written in pieces with pauses so the client sees partial chunks and multi-byte characters split.
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const text = 'data: {"n":1,"s":"é"}\n\n';
    const bytes = Buffer.from(text);
    let at = 0;
    const step = () => {
      if (at >= bytes.length) return res.end('data: last\n\n');
      res.write(bytes.subarray(at, at + 3));
      at += 3;
      setTimeout(step, 2);
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const conn = new Http1Connection('127.0.0.1', (server.address() as AddressInfo).port);
  try {
    const fixed = await conn.request('GET', '/fixed', {});
    t.is(fixed.status, 200);
    t.is(await fixed.text(), '{"a":"été"}');
    const streamed = await conn.request('GET', '/stream', {});
    t.is(streamed.headers['transfer-encoding'], 'chunked');
    let seen = '';
    streamed.onBody((piece) => (seen += piece));
    await streamed.ended;
    t.is(seen, 'data: {"n":1,"s":"é"}\n\ndata: last\n\n');
    // The connection is reused for the next request once the previous body ended.
    t.is(await (await conn.request('GET', '/fixed', {})).text(), '{"a":"été"}');
  } finally {
    conn.close();
    server.close();
  }
});
