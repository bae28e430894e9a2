// demoServers() must give a spawnable command both from source (tsx) and compiled (plain node), and the
// servers must behave as well-mannered stdio upstreams: protocol only on stdout, exit when stdin closes.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { demoServers, type DemoServer } from '../../server/demo/index.js';
import { connectStdio } from '../helpers/clients.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

test('from source, demo servers run the .ts modules through tsx', (t) => {
  const servers = demoServers();
  t.deepEqual(Object.keys(servers), ['notes', 'toolbox']);
  for (const [name, server] of Object.entries(servers)) {
    t.is(server.command, process.execPath);
    t.deepEqual(server.args, ['--import', 'tsx', join(REPO, `server/demo/${name}-server.ts`)]);
    t.true(existsSync(server.args[2]!));
    t.true(server.description.length > 20);
  }
});

for (const name of ['notes', 'toolbox'] as const) {
  test(`${name}: stdout carries only protocol, and the process exits when stdin closes`, async (t) => {
    const { command, args } = demoServers()[name];
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout });
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    const [first] = (await once(lines, 'line')) as [string];
    t.like(JSON.parse(first), { jsonrpc: '2.0', id: 1, result: { serverInfo: { name } } });
    const rest: string[] = [];
    lines.on('line', (line) => rest.push(line));
    child.stdin.end();
    const [code] = await exited;
    t.is(code, 0);
    t.deepEqual(rest, []);
  });
}

// The package ships dist/server/demo/*.js run by plain node: compile the demo folder the way `tsc -b`
// does and check the compiled demoServers() points at .js files that really serve MCP.
test('compiled, demo servers run the .js modules with plain node', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' })); // as the real package.json
  const sources = (await readdir(join(REPO, 'server/demo'))).filter((file) => file.endsWith('.ts'));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO, 'tsconfig.base.json'),
      compilerOptions: {
        rootDir: join(REPO, 'server/demo'),
        outDir: join(dir, 'dist/server/demo'),
        declaration: false,
        sourceMap: false,
      },
      files: sources.map((file) => join(REPO, 'server/demo', file)),
    }),
  );
  await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]);

  const index = join(dir, 'dist/server/demo/index.js');
  const printServers = `import(${JSON.stringify(index)}).then((m) => console.log(JSON.stringify(m.demoServers())))`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', printServers]);
  const servers = JSON.parse(stdout) as Record<string, DemoServer>;
  t.deepEqual(servers.toolbox?.args, [join(dir, 'dist/server/demo/toolbox-server.js')]);
  t.deepEqual(servers.notes?.args, [join(dir, 'dist/server/demo/notes-server.js')]);

  const client = await connectStdio(servers.toolbox!);
  t.teardown(() => client.close());
  const result = await client.callTool({ name: 'calculate', arguments: { expression: '6 * 7' } });
  t.deepEqual(result.content, [{ type: 'text', text: '42' }]);
});
