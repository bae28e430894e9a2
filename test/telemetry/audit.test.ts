// The audit log of tool calls: one JSON line per call with who, what, how it ended, how long, and a hash of the
// arguments; a rotating file.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient } from '../helpers/clients.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { AuditLog, argumentsHash, auditFileFor, type AuditRecord } from '../../server/telemetry/audit-log.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function readRecords(file: string): Promise<AuditRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}

test('every tools/call is audited: principal, client, tool, status, duration, arguments hash', async (t) => {
  const dataDir = await tempDir('localmcp-audit-');
  const { key, info } = await new KeyStore(keyFilePath(dataDir)).create({ name: 'auditor', scopes: ['server:echo'] });
  const file = join(dataDir, 'logs', 'audit.jsonl');
  const gateway = await startGateway(
    {
      security: { auth: { keys: true } },
      telemetry: { audit: { file } },
      mcpServers: { echo: stdioFixtureConfig() },
    },
    { dataDir },
  );
  t.teardown(() => gateway.close());
  const headers = { authorization: `Bearer ${key}` };
  const connect = (path: string) =>
    connectClient(new StreamableHTTPClientTransport(new URL(`${gateway.url}${path}`), { requestInit: { headers } }));
  const client = await connect('/mcp');
  const discovery = await connect('/mcp/discovery');
  t.teardown(async () => void (await Promise.all([client.close(), discovery.close()])));

  await client.callTool({ name: 'echo__add', arguments: { a: 1, b: 2 } });
  await client.callTool({ name: 'echo__add', arguments: { b: 2, a: 1 } });
  await client.callTool({ name: 'echo__fail', arguments: { message: 'secret words' } });
  await t.throwsAsync(client.callTool({ name: 'echo__missing', arguments: {} }));
  await discovery.callTool({ name: 'call_tool', arguments: { name: 'echo__echo', arguments: { text: 'hi' } } });
  await gateway.gateway.telemetry.audit!.flush();

  const records = await readRecords(file);
  t.is(records.length, 5);
  t.is((await stat(file)).mode & 0o777, 0o600);
  const [first, second, failed, missing, meta] = records;
  for (const record of records) {
    t.is(record.principal, `key:${info.id}`);
    t.is(record.client, 'localmcp-test/0.0.0');
    t.true(typeof record.session === 'string' && record.session.length > 0);
    t.false(Number.isNaN(Date.parse(record.time)));
    t.true(record.durationMs >= 0);
  }
  t.like(first, { tool: 'echo__add', server: 'echo', status: 'ok' });
  t.is(first!.argsSha256, sha256('{"a":1,"b":2}'));
  t.is(second!.argsSha256, first!.argsSha256, 'key order does not change the hash');
  t.like(failed, { tool: 'echo__fail', status: 'tool_error' });
  t.false(JSON.stringify(failed).includes('secret words'), 'arguments are hashed, never written');
  t.like(missing, { tool: 'echo__missing', status: 'error', code: -32602 });
  t.like(meta, { tool: 'call_tool', target: 'echo__echo', server: 'echo', status: 'ok' });
  t.is(meta!.argsSha256, argumentsHash({ name: 'echo__echo', arguments: { text: 'hi' } }));
});

test('the audit file rotates before it passes maxBytes and keeps maxFiles old files', async (t) => {
  const dir = await tempDir('localmcp-audit-rotate-');
  const file = join(dir, 'audit.jsonl');
  const log = new AuditLog({ file, maxBytes: 1024, maxFiles: 2 }, silentLogger());
  const record = (i: number): AuditRecord => ({
    time: new Date(0).toISOString(),
    principal: 'anonymous',
    tool: `tool_${i}`,
    status: 'ok',
    durationMs: 1,
    argsSha256: argumentsHash({ i }),
  });
  for (let i = 0; i < 60; i++) log.write(record(i));
  await log.flush();
  for (let i = 60; i < 100; i++) log.write(record(i));
  await log.close();

  t.deepEqual((await readdir(dir)).sort(), ['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2']);
  const files = [`${file}.2`, `${file}.1`, file];
  const tools: string[] = [];
  for (const path of files) {
    t.true((await stat(path)).size <= 1024, path);
    tools.push(...(await readRecords(path)).map((r) => r.tool));
  }
  t.is(tools.at(-1), 'tool_99', 'the newest record is in the current file');
  const numbers = tools.map((name) => Number(name.slice(5)));
  t.deepEqual(
    numbers,
    [...numbers].sort((a, b) => a - b),
    'oldest to newest across the files',
  );
  t.true(numbers[0]! > 0, 'the oldest records were dropped with the oldest file');
});

test('auditFileFor gives each worker its own file', (t) => {
  t.is(auditFileFor('/var/log/localmcp/audit.jsonl', undefined), '/var/log/localmcp/audit.jsonl');
  t.is(auditFileFor('/var/log/localmcp/audit.jsonl', '2'), '/var/log/localmcp/audit.worker2.jsonl');
  t.is(auditFileFor('/var/log.d/audit', '1'), '/var/log.d/audit.worker1');
});
