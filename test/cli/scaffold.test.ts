// The pieces of `localmcp init` in-process: the renderer, the variable scan, the catalog, the import rewrite, the
// plugin-api dependency choice, the progress bar and the interactive questions (answered through fake streams).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import test from 'ava';
import Init from '../../cli/commands/init.js';
import { progressBar } from '../../cli/progress.js';
import { loadServerCatalog, pickServers } from '../../cli/scaffold/catalog.js';
import { findClientConfigs, resolveImportSource } from '../../cli/scaffold/client-configs.js';
import { envReferences, renderEnvExample } from '../../cli/scaffold/env-vars.js';
import { importClientConfig } from '../../cli/scaffold/import-config.js';
import { ownPackage, templatesDir } from '../../cli/scaffold/package-root.js';
import { pluginApiDependency } from '../../cli/scaffold/plugin.js';
import { mcpServersBlock } from '../../cli/scaffold/project.js';
import { askProject } from '../../cli/scaffold/prompts.js';
import { renderText, renderTree } from '../../cli/scaffold/render.js';
import { loadConfig } from '../../server/config/index.js';
import { tempDir } from '../helpers/gateway.js';

test('renderText fills {{placeholders}} and refuses one without a value, naming the template', (t) => {
  t.is(renderText('a {{x}} b {{ y }}', { x: '1', y: '2' }, 'f'), 'a 1 b 2');
  t.throws(() => renderText('{{x}} {{missing}}', { x: '1' }, 'templates/f.ts'), {
    message: 'templates/f.ts: the template uses {{missing}}, which has no value',
  });
});

test('renderTree renders names too and restores dotfiles npm would drop', async (t) => {
  const dir = await tempDir();
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'gitignore'), 'dist/\n');
  await writeFile(join(dir, 'src', '{{name}}.ts'), 'export const name = "{{name}}";\n');
  await writeFile(join(dir, 'USAGE.md'), 'read by the caller');
  const files = await renderTree(dir, { name: 'demo' }, { exclude: ['USAGE.md'] });
  t.deepEqual(files, [
    { path: '.gitignore', content: 'dist/\n' },
    { path: 'src/demo.ts', content: 'export const name = "demo";\n' },
  ]);
});

test('envReferences follows the loader: defaults, ${env:X}, literals, built-ins, inputs', (t) => {
  const refs = envReferences({
    a: '${TOKEN} and ${env:REGION} and ${PORT:-7420}',
    b: ['$${NOT_A_VAR}', '\\${ALSO_NOT}', '${userHome}/x', '${input:key}', '${HOME}', '${PORT:-7420}'],
    c: { d: 'Bearer ${TOKEN}', e: '${MIXED:-1}', f: '${MIXED}' },
  });
  t.deepEqual(refs, [{ name: 'TOKEN' }, { name: 'REGION' }, { name: 'PORT', default: '7420' }, { name: 'MIXED' }]);
});

test('renderEnvExample documents each variable; merging keeps what is there and adds the rest', (t) => {
  const refs = [{ name: 'TOKEN' }, { name: 'PORT', default: '7420' }];
  const describe = (name: string) => (name === 'TOKEN' ? 'the API token' : undefined);
  const fresh = renderEnvExample(refs, describe).text;
  t.regex(fresh, /# the API token\nTOKEN=\n\n# optional, default: 7420\n# PORT=7420\n$/);
  const merged = renderEnvExample(refs, describe, 'TOKEN=\nOTHER=1\n');
  t.deepEqual(merged.added, ['PORT']);
  t.is(merged.text, 'TOKEN=\nOTHER=1\n\n# Added by localmcp init\n# optional, default: 7420\n# PORT=7420\n');
  t.is(renderEnvExample(refs, describe, merged.text).text, merged.text, 'idempotent');
});

test('every well-known server renders into a config the loader accepts', async (t) => {
  const catalog = await loadServerCatalog();
  t.true(catalog.length >= 10);
  t.deepEqual(
    catalog.filter((entry) => entry.default).map((entry) => entry.id),
    ['memory', 'filesystem'],
  );
  const template = join(templatesDir(), 'init', 'localmcp.yaml');
  const block = mcpServersBlock(catalog.map((entry) => ({ name: entry.id, entry: entry.config })));
  const text = renderText(await readFile(template, 'utf8'), { mcpServers: block }, template);
  const file = join(await tempDir(), 'localmcp.yaml');
  await writeFile(file, text);
  const env = Object.fromEntries(envReferences(text).map((ref) => [ref.name, 'x']));
  const loaded = await loadConfig({ path: file, env: { ...env, HOME: '/home/someone' } });
  t.deepEqual(loaded.warnings, []);
  t.deepEqual(
    loaded.upstreams.map((u) => u.name),
    catalog.map((entry) => entry.id),
  );
  for (const entry of catalog) {
    for (const name of envReferences(entry.config).map((ref) => ref.name)) {
      t.truthy(entry.env[name], `${entry.id}: ${name} is described for .env.example`);
    }
  }
  t.throws(() => pickServers(catalog, ['memory', 'nope']), { message: /unknown server "nope"; known: memory/ });
  // `init --help` lists the ids: keep it in step with the data file.
  for (const entry of catalog) t.true(Init.description!.includes(entry.id), `init --help names ${entry.id}`);
});

test('import rewrites dialects: Cline timeout, sse type, disabled, relative cwd, credential headers', async (t) => {
  const source = await tempDir();
  const dest = join(await tempDir(), 'project');
  const file = join(source, 'cline_mcp_settings.json');
  await writeFile(
    file,
    JSON.stringify({
      mcpServers: {
        slow: { command: 'node', args: ['server.js'], cwd: 'servers/slow', timeout: 90, alwaysAllow: [] },
        legacy: { type: 'sse', url: 'http://127.0.0.1:9000/sse', headers: { 'X-Api-Key': 'k1', Accept: 'x' } },
        api: { type: 'streamable-http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer t0k' } },
        other: { command: 'x', disabled: true, env: { API_KEY: 'k2', LOG_LEVEL: 'debug' } },
        again: { command: 'y', env: { API_KEY: 'k3' } },
      },
    }),
  );
  const imported = await importClientConfig(file, { destDir: dest });
  t.deepEqual(imported.warnings, ['unknown key "mcpServers.slow.alwaysAllow" ignored']);
  t.deepEqual(imported.servers, {
    slow: {
      command: 'node',
      args: ['server.js'],
      cwd: relative(dest, join(source, 'servers/slow')),
      timeouts: { requestMs: 90_000 },
    },
    legacy: {
      type: 'sse',
      url: 'http://127.0.0.1:9000/sse',
      headers: { 'X-Api-Key': '${LEGACY_X_API_KEY}', Accept: 'x' },
    },
    api: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${API_TOKEN}' } },
    other: { command: 'x', enabled: false, env: { API_KEY: '${API_KEY}', LOG_LEVEL: 'debug' } },
    again: { command: 'y', env: { API_KEY: '${AGAIN_API_KEY}' } },
  });
  t.deepEqual(imported.secrets, { LEGACY_X_API_KEY: 'k1', API_TOKEN: 't0k', API_KEY: 'k2', AGAIN_API_KEY: 'k3' });
});

test('--import by client name finds the project file first; an absent client is a clear error', async (t) => {
  const project = await tempDir();
  const home = await tempDir();
  await mkdir(join(project, '.cursor'));
  await writeFile(join(project, '.cursor', 'mcp.json'), '{"mcpServers": {}}');
  t.is(resolveImportSource('cursor', project, { HOME: home }), join(project, '.cursor', 'mcp.json'));
  t.is(resolveImportSource('./some/file.json', project, { HOME: home }), './some/file.json');
  t.throws(() => resolveImportSource('vscode', project, { HOME: home }), { message: /no vscode config found/ });
  t.deepEqual(
    findClientConfigs(project, { HOME: home }, 'linux').map((c) => c.label),
    ['Cursor (this project)'],
  );
});

test('the plugin-api dependency: relative inside or next to the checkout, absolute elsewhere, or the registry', (t) => {
  const root = ownPackage().root;
  const inside = pluginApiDependency(join(root, 'plugins', 'my-plugin'));
  t.deepEqual([inside.spec, inside.bundled], ['file:../api', true]);
  const next = pluginApiDependency(join(root, '..', 'my-plugin'));
  t.regex(next.spec, /^file:\.\.\/[^/]+\/plugins\/api$/);
  t.regex(pluginApiDependency('/somewhere/else/my-plugin').spec, /^file:\/.*plugins\/api$/);
  const registry = pluginApiDependency('/somewhere/else/my-plugin', 'registry');
  t.deepEqual([registry.spec, registry.bundled], ['^0.1.0', false]);
  t.is(pluginApiDependency('/x', '^0.2.0').spec, '^0.2.0');
});

test('the progress bar draws on a terminal only, redraws on change, clears when done', (t) => {
  const written: string[] = [];
  const terminal = { isTTY: true, columns: 80, write: (text: string) => written.push(text) };
  const bar = progressBar('embedding', { stream: terminal, width: 10 });
  bar(0, 4);
  bar(0, 4);
  bar(2, 4, 'batch 2');
  bar(4, 4);
  t.is(written.length, 3, 'an unchanged bar is not redrawn');
  t.is(written[0], '\rembedding [..........]   0% 0/4');
  t.regex(written[1]!, /^\rembedding \[#####\.\.\.\.\.\] {2}50% 2\/4 batch 2/);
  t.regex(written[2]!, /^\r +\r$/, 'cleared');
  const piped: string[] = [];
  const off = progressBar('x', { stream: { isTTY: false, write: (text: string) => piped.push(text) } });
  off(1, 2);
  off.end();
  const json = progressBar('x', { stream: terminal, enabled: false });
  json(1, 2);
  t.deepEqual(piped, []);
  t.is(written.length, 3, '--json draws nothing');
});

test('init on a terminal: pick a found client config, then well-known servers (keys through fake streams)', async (t) => {
  const catalog = await loadServerCatalog();
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const found = [{ client: 'cursor' as const, label: 'Cursor (user)', file: '/home/u/.cursor/mcp.json' }];
  const answer = askProject(catalog, found, { input, output });
  const keys = async (...sequence: string[]) => {
    for (const key of sequence) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      input.write(key);
    }
  };
  // Enter takes "the servers of Cursor"; then, with nothing preselected, space ticks the first server (memory),
  // arrow down twice and space tick the third (everything), enter confirms.
  await keys('\r', ' ', '\u001b[B', '\u001b[B', ' ', '\r');
  t.deepEqual(await answer, { importFile: '/home/u/.cursor/mcp.json', servers: ['memory', 'everything'] });
});
