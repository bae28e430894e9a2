// Tracing end to end: a real gateway exports OTLP JSON to a loopback receiver; the spans of one tool call link up
// (client's context → downstream request → route → cache → breaker → upstream call), and the upstream receives
// the upstream span's context in `_meta` and, over HTTP, in the `traceparent` header.
import test from 'ava';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway } from '../helpers/gateway.js';
import { startOtlpReceiver, type ReceivedSpan } from '../helpers/otlp.js';
import { waitFor } from '../helpers/wait.js';
import { serveStreamableHttp } from '../fixtures/http-hosts.js';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const HEADER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const HEADER_SPAN = 'b7ad6b7169203331';

/** An HTTP upstream whose one tool answers with the trace context it received, in headers and in `_meta`. */
async function startProbeUpstream() {
  return serveStreamableHttp(0, async (transport) => {
    const server = new McpServer({ name: 'probe', version: '1.0.0' });
    server.registerTool('context', { description: 'The trace context this call carried.' }, (extra) => {
      const headers = extra.requestInfo?.headers ?? {};
      return {
        content: [
          {
            type: 'text',
            text: JSON.stringify({ header: headers.traceparent ?? null, meta: extra._meta?.traceparent ?? null }),
          },
        ],
      };
    });
    await server.connect(transport);
  });
}

const byName = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1)
    throw new Error(`${found.length} spans named ${name}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
};

test('one tool call exports linked spans and passes its context to the upstream', async (t) => {
  const receiver = await startOtlpReceiver();
  const probe = await startProbeUpstream();
  t.teardown(async () => void (await Promise.all([receiver.close(), probe.close()])));
  const gateway = await startGateway({
    telemetry: {
      tracing: { endpoint: receiver.url, serviceName: 'localmcp-test', headers: { 'x-collector-key': 'k' } },
    },
    mcpServers: { echo: stdioFixtureConfig(), probe: { url: probe.url } },
  });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());

  // 1. A client that passes its trace context in _meta, to an HTTP upstream.
  const answer = JSON.parse(
    firstText(
      await client.callTool({
        name: 'probe__context',
        arguments: {},
        _meta: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      }),
    ),
  ) as { header: string | null; meta: string | null };
  // 2. A cacheable call on a stdio upstream, twice: the second is answered by L1.
  for (let i = 0; i < 2; i++) {
    await client.callTool({
      name: 'echo__echo',
      arguments: { text: 'traced' },
      _meta: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` },
    });
  }
  await gateway.gateway.telemetry.tracing.flush();
  await waitFor(() => receiver.spans.some((s) => s.name === 'upstream tools/call probe/context'), {
    message: 'the probe call spans',
  });

  const spans = receiver.spans.filter((s) => s.traceId === CLIENT_TRACE);
  const request = byName(spans, 'tools/call probe__context');
  const route = byName(spans, 'route probe__context');
  const breaker = byName(spans, 'breaker probe');
  const upstream = byName(spans, 'upstream tools/call probe/context');
  t.is(request.parentSpanId, CLIENT_SPAN, 'the request continues the client trace from _meta');
  t.is(request.kind, 2, 'SERVER');
  t.is(request.attributes['mcp.method.name'], 'tools/call');
  t.is(request.service, 'localmcp-test');
  t.is(route.parentSpanId, request.spanId);
  // Not read-only, so not cacheable: no cache span between routing and the breaker.
  t.false(spans.some((s) => s.name.startsWith('cache ')));
  t.is(breaker.parentSpanId, route.spanId);
  t.is(upstream.parentSpanId, breaker.spanId);
  t.is(upstream.kind, 3, 'CLIENT');
  t.is(receiver.requests[0]!['x-collector-key'], 'k', 'configured export headers are sent');

  // The upstream got the upstream span's context, in both places.
  t.is(answer.header, `00-${CLIENT_TRACE}-${upstream.spanId}-01`);
  t.is(answer.meta, `00-${CLIENT_TRACE}-${upstream.spanId}-01`);

  // The cacheable call: request → route → cache → breaker → upstream, then request → route → cache (an L1 hit).
  const echoTrace = receiver.spans.filter((s) => s.traceId === '1'.repeat(32));
  const [miss, hit] = ['upstream', 'l1'].map((layer) =>
    echoTrace.find((s) => s.name === 'cache echo__echo' && s.attributes['localmcp.cache.layer'] === layer),
  );
  t.truthy(miss);
  t.truthy(hit);
  const echoUpstream = echoTrace.filter((s) => s.name === 'upstream tools/call echo/echo');
  t.is(echoUpstream.length, 1, 'the L1 hit made no call');
  const echoBreaker = echoTrace.find((s) => s.spanId === echoUpstream[0]!.parentSpanId);
  t.is(echoBreaker?.name, 'breaker echo');
  t.is(echoBreaker?.parentSpanId, miss!.spanId);
  const missRoute = echoTrace.find((s) => s.spanId === miss!.parentSpanId);
  t.is(missRoute?.name, 'route echo__echo');
  t.is(echoTrace.find((s) => s.spanId === missRoute!.parentSpanId)?.name, 'tools/call echo__echo');
  t.is(echoTrace.find((s) => s.spanId === hit!.parentSpanId)?.name, 'route echo__echo');
});

test('a request without _meta takes its parent from the traceparent header; without either it starts a trace', async (t) => {
  const receiver = await startOtlpReceiver();
  t.teardown(() => receiver.close());
  const gateway = await startGateway({
    telemetry: { tracing: { endpoint: `${receiver.url}/v1/traces` } },
    mcpServers: { echo: stdioFixtureConfig() },
  });
  t.teardown(() => gateway.close());
  const headers = { traceparent: `00-${HEADER_TRACE}-${HEADER_SPAN}-01` };
  const traced = await connectClient(
    new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), { requestInit: { headers } }),
  );
  const plain = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(async () => void (await Promise.all([traced.close(), plain.close()])));
  await traced.callTool({ name: 'echo__add', arguments: { a: 1, b: 1 } });
  await plain.callTool({ name: 'echo__add', arguments: { a: 2, b: 2 } });
  await gateway.gateway.telemetry.tracing.flush();
  await waitFor(() => receiver.spans.filter((s) => s.name === 'tools/call echo__add').length === 2);

  const [fromHeader] = receiver.spans.filter((s) => s.name === 'tools/call echo__add' && s.traceId === HEADER_TRACE);
  t.truthy(fromHeader);
  t.is(fromHeader!.parentSpanId, HEADER_SPAN);
  const [root] = receiver.spans.filter((s) => s.name === 'tools/call echo__add' && s.traceId !== HEADER_TRACE);
  t.is(root!.parentSpanId, '', 'a new trace');
  const upstream = receiver.spans.find((s) => s.name === 'upstream tools/call echo/add' && s.traceId === root!.traceId);
  t.truthy(upstream, 'the stdio upstream call is in the same trace');
});

test('a failed call marks its spans as errors', async (t) => {
  const receiver = await startOtlpReceiver();
  t.teardown(() => receiver.close());
  const gateway = await startGateway({
    telemetry: { tracing: { endpoint: receiver.url } },
    resilience: { fallbacks: { chain: [] } },
    mcpServers: { broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }) },
  });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`)));
  t.teardown(() => client.close());
  await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'x' } }));
  await gateway.gateway.telemetry.tracing.flush();
  await waitFor(() => receiver.spans.some((s) => s.name === 'tools/call broken__echo'));
  t.is(byName(receiver.spans, 'tools/call broken__echo').status, 2);
  t.is(byName(receiver.spans, 'tools/call broken__echo').attributes['localmcp.status'], 'error');
  t.is(byName(receiver.spans, 'upstream tools/call broken/echo').status, 2);
});
