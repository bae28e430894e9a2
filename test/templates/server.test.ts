// CI renders the MCP server template as a user would (`localmcp init server`), installs it with no network, runs
// its own tests, checks it against the house style, and lists its tool through localmcp.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { CLI } from '../helpers/gateway.js';
import { installOffline, run } from '../helpers/offline-install.js';
import { styleProblems } from '../helpers/rendered-style.js';
import { removeTempDirs, tempDir } from '../plugins/helpers.js';

test.after.always(removeTempDirs);

test('init server: a server that builds, passes its tests and shows up in `localmcp tools list`', async (t) => {
  const project = await tempDir('localmcp-server-template-');
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], project);
  t.is((await cli('init', '--servers', 'none')).code, 0);

  const rendered = await cli('init', 'server', '--name', 'words', '--dir', 'servers/words', '--json');
  t.is(rendered.code, 0, rendered.output);
  const result = JSON.parse(rendered.stdout) as { dir: string; written: string[]; config: { created: boolean } };
  t.is(result.dir, join(project, 'servers/words'));
  t.false(result.config.created, 'added to the localmcp.yaml init wrote');
  const config = parse(await readFile(join(project, 'localmcp.yaml'), 'utf8')) as {
    mcpServers: Record<string, unknown>;
  };
  t.like(config.mcpServers.words, { command: 'node', args: ['dist/src/index.js'], cwd: 'servers/words' });
  t.deepEqual(await styleProblems(result.dir, result.written), []);

  const install = await installOffline(result.dir);
  const npmTest = await run('npm', ['test'], result.dir);
  t.is(npmTest.code, 0, npmTest.output);
  t.regex(npmTest.output, /^# pass 3$/m);
  t.log(`npm install ${install.ms} ms, npm test ${npmTest.ms} ms`);

  const tools = await cli('tools', 'list', '--json');
  t.is(tools.code, 0, tools.output);
  const listed = JSON.parse(tools.stdout) as { tools: Array<{ name: string; server: string; description: string }> };
  t.like(
    listed.tools.find((tool) => tool.name === 'words__count_words'),
    { server: 'words', description: 'Count the words, characters and lines of a text.' },
  );

  const again = await cli('init', 'server', '--name', 'words', '--dir', 'servers/other');
  t.is(again.code, 1, 'a second server of the same name is refused');
  t.regex(again.output.replace(/\s+(›\s+)?/g, ' '), /already has a server "words"/); // oclif wraps at 80 columns
});
