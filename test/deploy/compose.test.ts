// The compose stack (docker-compose.yml, Dockerfile, deploy/): valid for docker compose (no engine needed), and
// wired to what the gateway really exports: every metric the Grafana dashboard queries exists in a real scrape,
// and every metric family the gateway exports has a panel.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parse } from 'yaml';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { REPO, startGateway } from '../helpers/gateway.js';
import { loadConfig } from '../../server/config/load.js';
import { recordLlmUsage } from '../../server/telemetry/llm.js';

/** `docker-compose` (Debian's package) or `docker compose` (the plugin), whichever is installed. */
function composeCommand(): string[] | undefined {
  for (const candidate of [['docker-compose'], ['docker', 'compose']]) {
    const probe = spawnSync(candidate[0]!, [...candidate.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const compose = composeCommand();

(compose ? test : test.skip)('docker compose config validates docker-compose.yml', (t) => {
  const [command, ...args] = compose!;
  const result = spawnSync(command!, [...args, '-f', join(REPO, 'docker-compose.yml'), 'config', '-q'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, LOCALMCP_TOKEN: '', LOCALMCP_ADMIN_TOKEN: '' },
  });
  t.is(result.status, 0, result.stderr);
});

interface Dashboard {
  panels: Array<{ title: string; type: string; targets?: Array<{ expr: string }> }>;
}

const readYaml = async (path: string) => parse(await readFile(join(REPO, path), 'utf8')) as Record<string, unknown>;

test('the stack is wired together: services, scrape target and token file, data sources, gateway config', async (t) => {
  const stack = (await readYaml('docker-compose.yml')) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
  };
  t.deepEqual(Object.keys(stack.services).sort(), ['grafana', 'jaeger', 'localmcp', 'prometheus', 'redis']);
  const prometheus = (await readYaml('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: Array<{
      static_configs: Array<{ targets: string[] }>;
      authorization: { credentials_file: string };
    }>;
  };
  const [job] = prometheus.scrape_configs;
  t.deepEqual(job!.static_configs[0]!.targets, ['localmcp:7420']);
  t.true(stack.services.prometheus!.command!.join(' ').includes(`> ${job!.authorization.credentials_file}`));
  const sources = (await readYaml('deploy/grafana/provisioning/datasources/datasources.yml')) as {
    datasources: Array<{ type: string; url: string }>;
  };
  t.deepEqual(
    sources.datasources.map((s) => [s.type, s.url]),
    [
      ['prometheus', 'http://prometheus:9090'],
      ['jaeger', 'http://jaeger:16686'],
    ],
  );

  // The gateway's config loads with the real loader, and points its telemetry at the stack's services.
  const loaded = await loadConfig({ path: join(REPO, 'deploy/localmcp/localmcp.yaml'), env: {} });
  t.is(loaded.config.redis?.url, 'redis://redis:6379');
  t.is(loaded.config.telemetry.tracing?.endpoint, 'http://jaeger:4318');
  t.deepEqual(
    loaded.upstreams.map((u) => u.name),
    ['notes', 'toolbox'],
  );
  t.is(stack.services.localmcp!.environment!.LOCALMCP_CONFIG, '/config/localmcp.yaml');
  t.true(stack.services.localmcp!.volumes!.includes('./deploy/localmcp:/config:ro'));
});

test('the Grafana dashboard queries only metrics the gateway exports, and covers every family it exports', async (t) => {
  const dashboard = JSON.parse(
    await readFile(join(REPO, 'deploy/grafana/dashboards/localmcp.json'), 'utf8'),
  ) as Dashboard;
  const queried = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      for (const [name] of target.expr.matchAll(/\b(?:localmcp|process|nodejs)_[a-z0-9_]+/g)) {
        queried.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
  }

  // A gateway with every part that has metrics: cache, breaker, discovery, an LLM request recorded.
  const gateway = await startGateway({ mcpServers: { echo: stdioFixtureConfig() } });
  t.teardown(() => gateway.close());
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp/discovery`)));
  t.teardown(() => client.close());
  await client.callTool({ name: 'search_tools', arguments: { query: 'echo' } });
  await client.callTool({ name: 'echo__echo', arguments: { text: 'a' } });
  recordLlmUsage(gateway.gateway.telemetry.metrics, {
    provider: 'p',
    model: 'm',
    status: 'ok',
    durationMs: 1,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0.01,
  });
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  for (const name of queried) t.true(exported.has(name), `the dashboard queries ${name}, which is not exported`);

  // Families with no panel of their own: the version info; fallbacks and transitions only appear once they happen.
  const ignored = new Set(['localmcp_build_info']);
  for (const name of exported) {
    if (!name.startsWith('localmcp_') || ignored.has(name)) continue;
    t.true(queried.has(name), `no dashboard panel shows ${name}`);
  }
  for (const name of ['localmcp_breaker_transitions_total', 'localmcp_fallbacks_served_total']) {
    t.true(queried.has(name), name);
  }
});
