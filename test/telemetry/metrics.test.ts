// /metrics after real traffic through a real gateway: two echo fixtures (one always failing), a real SDK client
// over Streamable HTTP, and the counts read back from the Prometheus text.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, type InProcessGateway } from '../helpers/gateway.js';
import { sampleSum, sampleValue, scrape } from '../helpers/prometheus.js';
import { recordLlmUsage } from '../../server/telemetry/llm.js';
import { PluginMetricsStore } from '../../server/plugins/metrics.js';
import { GatewayMetrics } from '../../server/telemetry/metrics.js';
import { registerPluginMetrics } from '../../server/telemetry/plugin-metrics.js';
import { parseExposition } from '../helpers/prometheus.js';

const config = {
  resilience: { options: { server: { failureThreshold: 2, openMs: 600_000 } }, fallbacks: { chain: [] } },
  mcpServers: {
    echo: stdioFixtureConfig(),
    broken: stdioFixtureConfig({ FIXTURE_NAME: 'broken', FIXTURE_FAILURE_RATE: '1' }),
  },
};

async function connect(gateway: InProcessGateway, path = '/mcp'): Promise<Client> {
  return connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}${path}`)));
}

test('/metrics counts requests, upstream calls, cache layers, breaker transitions and sessions', async (t) => {
  const gateway = await startGateway(config);
  // A second gateway in the same process: its traffic must not show in the first one's metrics.
  const other = await startGateway({ mcpServers: { echo: stdioFixtureConfig() } });
  t.teardown(async () => void (await Promise.all([gateway.close(), other.close()])));
  const client = await connect(gateway);
  const discovery = await connect(gateway, '/mcp/discovery');
  const otherClient = await connect(other);
  t.teardown(async () => void (await Promise.all([client.close(), discovery.close(), otherClient.close()])));

  for (let i = 0; i < 3; i++) await client.callTool({ name: 'echo__echo', arguments: { text: 'same' } });
  await otherClient.callTool({ name: 'echo__echo', arguments: { text: 'same' } });
  await client.callTool({ name: 'echo__add', arguments: { a: 1, b: 2 } });
  const failed = await client.callTool({ name: 'echo__fail', arguments: { message: 'no' } });
  t.true(failed.isError);
  await t.throwsAsync(client.callTool({ name: 'nope__missing', arguments: {} }));
  for (let i = 0; i < 2; i++) {
    await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: `x${i}` } }), {
      message: /Injected failure/,
    });
  }
  await t.throwsAsync(client.callTool({ name: 'broken__echo', arguments: { text: 'refused' } }), {
    message: /circuit OPEN/,
  });
  await client.listTools();
  await discovery.callTool({ name: 'search_tools', arguments: { query: 'add two numbers' } });
  await discovery.callTool({ name: 'call_tool', arguments: { name: 'echo__add', arguments: { a: 2, b: 2 } } });

  const samples = await scrape(gateway.url);
  const requests = (labels: Record<string, string>) => sampleValue(samples, 'localmcp_requests_total', labels);
  t.is(requests({ method: 'tools/call', server: 'echo', tool: 'echo__echo', status: 'ok' }), 3);
  t.is(requests({ method: 'tools/call', server: 'echo', tool: 'echo__add', status: 'ok' }), 2, 'direct and call_tool');
  t.is(requests({ method: 'tools/call', server: 'echo', tool: 'echo__fail', status: 'tool_error' }), 1);
  t.is(requests({ method: 'tools/call', server: '', tool: '_unknown', status: 'error' }), 1);
  t.is(requests({ method: 'tools/call', server: 'broken', tool: 'broken__echo', status: 'error' }), 3);
  t.is(requests({ method: 'tools/call', server: '', tool: 'search_tools', status: 'ok' }), 1);
  t.is(requests({ method: 'initialize', status: 'ok' }), 2, 'one per session of this gateway');
  t.is(requests({ method: 'tools/list', status: 'ok' }), 1);
  t.is(
    sampleValue(samples, 'localmcp_request_duration_seconds_count', {
      method: 'tools/call',
      server: 'echo',
      tool: 'echo__echo',
    }),
    3,
  );
  t.is(sampleValue(samples, 'localmcp_search_duration_seconds_count'), 1);

  // Upstream calls: echo once (then two L1 hits), add twice (identical args? no: 1+2 and 2+2), fail once.
  const upstream = (labels: Record<string, string>) => sampleValue(samples, 'localmcp_upstream_requests_total', labels);
  t.is(upstream({ server: 'echo', method: 'tools/call', status: 'ok' }), 4);
  t.is(upstream({ server: 'broken', method: 'tools/call', status: 'error' }), 2, 'the refused call never left');
  t.is(sampleValue(samples, 'localmcp_cache_hits_total', { layer: 'l1' }), 2);
  t.true(sampleValue(samples, 'localmcp_cache_misses_total', { layer: 'l1' })! >= 3);

  t.is(
    sampleValue(samples, 'localmcp_breaker_transitions_total', {
      server: 'broken',
      tool: '',
      from: 'CLOSED',
      to: 'OPEN',
    }),
    1,
  );
  t.is(sampleValue(samples, 'localmcp_breaker_state', { server: 'broken', tool: '', state: 'OPEN' }), 1);
  t.is(sampleValue(samples, 'localmcp_breaker_state', { server: 'echo', tool: '', state: 'CLOSED' }), 1);
  t.is(sampleValue(samples, 'localmcp_upstream_up', { server: 'echo' }), 1);
  t.is(sampleValue(samples, 'localmcp_upstream_restarts_total', { server: 'echo' }), 0);
  t.is(sampleValue(samples, 'localmcp_sessions_active', { transport: 'streamable-http' }), 2);
  t.true(sampleValue(samples, 'localmcp_catalog_tools')! > 10);
  t.truthy(
    samples.find((s) => s.name === 'process_resident_memory_bytes'),
    'process metrics',
  );

  // The other gateway saw one call, and none of the first one's.
  const others = await scrape(other.url);
  t.is(sampleSum(others, 'localmcp_requests_total', { method: 'tools/call' }), 1);
  t.is(sampleValue(others, 'localmcp_breaker_transitions_total', { server: 'broken' }), undefined);
});

test('LLM usage recorded through recordLlmUsage() shows per provider and model', async (t) => {
  const gateway = await startGateway({ mcpServers: {} });
  t.teardown(() => gateway.close());
  const usage = { provider: 'openai', model: 'gpt-test', status: 'ok', durationMs: 1200 };
  recordLlmUsage(gateway.gateway.telemetry.metrics, { ...usage, inputTokens: 100, outputTokens: 20, costUsd: 0.5 });
  recordLlmUsage(gateway.gateway.telemetry.metrics, { ...usage, inputTokens: 50, outputTokens: 5, costUsd: 0.25 });
  const samples = await scrape(gateway.url);
  const labels = { provider: 'openai', model: 'gpt-test' };
  t.is(sampleValue(samples, 'localmcp_llm_tokens_total', { ...labels, type: 'input' }), 150);
  t.is(sampleValue(samples, 'localmcp_llm_tokens_total', { ...labels, type: 'output' }), 25);
  t.is(sampleValue(samples, 'localmcp_llm_cost_usd_total', labels), 0.75);
  t.is(sampleValue(samples, 'localmcp_llm_requests_total', { ...labels, status: 'ok' }), 2);
  t.is(sampleValue(samples, 'localmcp_llm_request_duration_seconds_count', labels), 2);
});

test('/metrics follows the admin API rule: an admin token is required when one is set', async (t) => {
  const gateway = await startGateway({ gateway: { adminToken: 'metrics-admin-token' }, mcpServers: {} });
  t.teardown(() => gateway.close());
  t.is((await fetch(`${gateway.url}/metrics`)).status, 401);
  t.is((await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
  const samples = await scrape(gateway.url, { authorization: 'Bearer metrics-admin-token' });
  t.truthy(samples.find((s) => s.name === 'localmcp_build_info'));
});

test('/metrics is 404 with telemetry.metrics.enabled: false', async (t) => {
  const gateway = await startGateway({ telemetry: { metrics: { enabled: false } }, mcpServers: {} });
  t.teardown(() => gateway.close());
  t.is((await fetch(`${gateway.url}/metrics`)).status, 404);
});

test('plugin metrics are exported with the plugin id as a label', async (t) => {
  const metrics = new GatewayMetrics();
  const store = new PluginMetricsStore();
  registerPluginMetrics(metrics.registry, store);
  const hnsw = store.forPlugin('search:hnsw');
  hnsw.increment('index.rebuilds');
  hnsw.increment('index.rebuilds', {}, 2);
  hnsw.observe('search-ms', 4, { k: '10' });
  hnsw.observe('search-ms', 6, { k: '10' });
  store.forPlugin('search:faiss').increment('index.rebuilds');
  const samples = parseExposition(await metrics.registry.metrics());
  t.is(sampleValue(samples, 'localmcp_plugin_index_rebuilds_total', { plugin: 'search:hnsw' }), 3);
  t.is(sampleValue(samples, 'localmcp_plugin_index_rebuilds_total', { plugin: 'search:faiss' }), 1);
  t.is(sampleValue(samples, 'localmcp_plugin_search_ms_sum', { plugin: 'search:hnsw', k: '10' }), 10);
  t.is(sampleValue(samples, 'localmcp_plugin_search_ms_count', { plugin: 'search:hnsw', k: '10' }), 2);
});
