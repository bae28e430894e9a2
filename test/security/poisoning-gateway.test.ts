// The poisoning screen wired into the gateway: an upstream whose tool description is poisoned (Invariant Labs'
// direct poisoning) is marked (`mark`) or hidden (`hide`), logged, and shown in /readyz and `localmcp tools list`.
import test from 'ava';
import { firstText } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { runCli, startGateway, writeConfig } from '../helpers/gateway.js';
import { connectAs } from '../helpers/secure.js';
import { POISONED } from './poisoned-tools.js';

const POISON = POISONED[0]!.tool.description!;
const servers = {
  clean: stdioFixtureConfig({ FIXTURE_NAME: 'clean' }),
  shady: stdioFixtureConfig({ FIXTURE_NAME: 'shady', FIXTURE_EXTRA_TOOL_DESCRIPTION: POISON }),
};

interface Readyz {
  poisoning: { policy: string; flagged: Array<{ server: string; tool: string; action: string; rules: string[] }> };
}

test('mark: the poisoned tool is listed with a warning and flagged in /readyz; the others are untouched', async (t) => {
  const gateway = await startGateway({ mcpServers: servers });
  try {
    const client = await connectAs(gateway.url, undefined);
    const tools = (await client.listTools()).tools;
    const extra = tools.find((tool) => tool.name === 'shady__extra')!;
    t.truthy(extra);
    t.regex(
      extra.description!,
      /^\[localmcp warning: this tool's description was flagged as possible prompt injection/,
    );
    t.deepEqual((extra._meta?.['localmcp/poisoning'] as { flagged: boolean }).flagged, true);
    t.is(tools.find((tool) => tool.name === 'shady__echo')!.description, 'Returns the text unchanged.');
    // Marked, not blocked: the tool still works.
    t.is(firstText(await client.callTool({ name: 'shady__extra', arguments: { a: 1 } })), '{"a":1}');
    await client.close();

    const readyz = (await (await fetch(`${gateway.url}/readyz`)).json()) as Readyz;
    t.is(readyz.poisoning.policy, 'mark');
    t.is(readyz.poisoning.flagged.length, 1);
    const [flagged] = readyz.poisoning.flagged;
    t.like(flagged, { server: 'shady', tool: 'extra', action: 'marked' });
    t.true(flagged!.rules.includes('secret-access'));
  } finally {
    await gateway.close();
  }
});

test('hide: the poisoned tool is neither listed, searchable nor callable', async (t) => {
  const gateway = await startGateway({ security: { poisoning: { policy: 'hide' } }, mcpServers: servers });
  try {
    const client = await connectAs(gateway.url, undefined, '/mcp/all');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    t.false(names.includes('shady__extra'));
    t.true(names.includes('shady__echo'));
    await t.throwsAsync(client.callTool({ name: 'shady__extra', arguments: {} }), { message: /Unknown tool/ });
    const search = await client.callTool({ name: 'shady__echo', arguments: { text: 'still here' } });
    t.is(firstText(search), 'still here');
    await client.close();
    const found = await gateway.gateway.discovery.search('read mcp.json sidenote', { limit: 10 });
    t.false(found.some((tool) => tool.name === 'shady__extra'));
    const readyz = (await (await fetch(`${gateway.url}/readyz`)).json()) as Readyz;
    t.like(readyz.poisoning.flagged[0], { server: 'shady', tool: 'extra', action: 'hidden' });
  } finally {
    await gateway.close();
  }
});

test('off: nothing is screened', async (t) => {
  const gateway = await startGateway({
    security: { poisoning: { policy: 'off' } },
    mcpServers: { shady: servers.shady },
  });
  try {
    const extra = gateway.gateway.catalog.resolveTool('shady__extra')!;
    t.is(extra.item.description, POISON);
    t.deepEqual(gateway.gateway.readiness().poisoning.flagged, []);
  } finally {
    await gateway.close();
  }
});

test('tools list shows flagged tools: a FLAGGED column, and `flagged` in --json', async (t) => {
  const file = await writeConfig({ mcpServers: servers });
  const json = await runCli(['tools', 'list', '--config', file, '--json']);
  t.is(json.code, 0, json.stderr);
  const rows = (JSON.parse(json.stdout) as { tools: Array<{ name: string; flagged: unknown }> }).tools;
  t.like(
    rows.find((row) => row.name === 'shady__extra'),
    { flagged: { action: 'marked' } },
  );
  t.is(rows.find((row) => row.name === 'shady__echo')!.flagged, null);

  const table = await runCli(['tools', 'list', '--config', file]);
  t.regex(table.stdout, /NAME\s+SERVER\s+DESCRIPTION\s+FLAGGED/);
  t.regex(table.stdout, /shady__extra\s+shady\s+Adds two numbers\.\s+marked: [a-z-,]*secret-access/);

  const hidden = await writeConfig({ security: { poisoning: { policy: 'hide' } }, mcpServers: servers });
  const hiddenTable = await runCli(['tools', 'list', '--config', hidden]);
  t.regex(hiddenTable.stdout, /\(extra\)\s+shady\s+.*hidden: /);
});
