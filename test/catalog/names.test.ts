import test from 'ava';
import { Catalog } from '../../server/catalog/catalog.js';
import { MAX_NAME_LENGTH, publicName } from '../../server/catalog/names.js';
import { EMPTY_LISTS, type UpstreamLists } from '../../server/upstream/lists.js';

const tools = (...names: string[]): UpstreamLists => ({
  ...EMPTY_LISTS,
  tools: names.map((name) => ({ name, inputSchema: { type: 'object' as const } })),
});
const ALL = ['tools', 'prompts', 'resources', 'resourceTemplates'] as const;

test('names are namespaced with the separator and made safe for LLM function names', (t) => {
  t.is(publicName('github', 'create_issue', '__'), 'github__create_issue');
  t.is(publicName('fs', 'read.file', '-'), 'fs-read_file');
  t.is(publicName('a b', 'x/y', '__'), 'a_b__x_y');
});

test('long names are shortened deterministically to 64 characters, keeping distinct tools apart', (t) => {
  const long = 'an_extremely_long_tool_name_that_goes_on_and_on_beyond_any_reasonable_limit';
  const a = publicName('server', `${long}_a`, '__');
  const b = publicName('server', `${long}_b`, '__');
  t.is(a.length, MAX_NAME_LENGTH);
  t.is(b.length, MAX_NAME_LENGTH);
  t.not(a, b);
  t.is(a, publicName('server', `${long}_a`, '__'), 'same input, same name');
  t.regex(a, /^server__an_extremely_long.*_[0-9a-f]{8}$/);
});

test('the catalog routes public names back to the server and original name', (t) => {
  const catalog = new Catalog('__');
  catalog.update('github', 'gh', tools('search', 'create_issue'), [...ALL]);
  catalog.update('files', 'files', tools('search'), [...ALL]);
  t.deepEqual(
    catalog.listTools().map((e) => e.publicName),
    ['files__search', 'gh__create_issue', 'gh__search'],
  );
  t.like(catalog.resolveTool('gh__search'), { server: 'github', originalName: 'search' });
  t.like(catalog.resolveTool('files__search'), { server: 'files', originalName: 'search' });
  t.is(catalog.resolveTool('search'), undefined);
});

test('two servers sharing a namespace get unique names, independent of which answered first', (t) => {
  const first = new Catalog();
  first.update('a', 'shared', tools('x'), [...ALL]);
  first.update('b', 'shared', tools('x'), [...ALL]);
  const second = new Catalog();
  second.update('b', 'shared', tools('x'), [...ALL]);
  second.update('a', 'shared', tools('x'), [...ALL]);
  const names = (c: Catalog) => c.listTools().map((e) => `${e.publicName}->${e.server}`);
  t.deepEqual(names(first), ['shared__x->a', 'shared__x_2->b']);
  t.deepEqual(names(second), names(first));
});

test('a server going down removes its tools and emits one change', (t) => {
  const catalog = new Catalog();
  catalog.update('a', 'a', tools('x', 'y'), [...ALL]);
  const changes: string[][] = [];
  catalog.on('changed', (kinds) => changes.push([...kinds].sort()));
  catalog.update('a', 'a', EMPTY_LISTS, [...ALL]);
  t.is(catalog.toolCount(), 0);
  t.deepEqual(changes, [['prompts', 'resources', 'tools']]);
  catalog.update('a', 'a', EMPTY_LISTS, [...ALL]);
  t.is(changes.length, 1, 'no change event for a server that was already gone');
});
