// The notes demo server as the gateway runs it: a stdio child process started from demoServers().
// One process is shared, so tests that add notes use their own tags and never touch the seeded ones.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import anyTest, { type TestFn } from 'ava';
import { demoServers } from '../../server/demo/index.js';
import { connectStdio, firstText, resourceText } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait.js';

type Note = { id: string; title: string; body: string; tags: string[] };
// ava gives each test a shallow copy of the context, so the counter lives in a shared object.
const test = anyTest as TestFn<{ client: Client; seen: { listChanges: number } }>;

test.before(async (t) => {
  const seen = (t.context.seen = { listChanges: 0 });
  t.context.client = await connectStdio(demoServers().notes);
  t.context.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void seen.listChanges++);
});
test.after.always(async (t) => {
  await t.context.client?.close();
});

const call = async (t: { context: { client: Client } }, name: string, args: Record<string, unknown>) =>
  t.context.client.callTool({ name, arguments: args });
const notes = async (t: { context: { client: Client } }, name: string, args: Record<string, unknown>) =>
  JSON.parse(firstText(await call(t, name, args))) as Note[];

test('lists its tools with read-only and destructive hints', async (t) => {
  t.is(t.context.client.getServerVersion()?.name, 'notes');
  const { tools } = await t.context.client.listTools();
  const hints = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations ?? {}]));
  t.deepEqual(Object.keys(hints).sort(), ['add_note', 'delete_note', 'get_note', 'list_notes', 'search_notes']);
  for (const name of ['list_notes', 'get_note', 'search_notes']) t.true(hints[name]?.readOnlyHint, name);
  t.true(hints.delete_note?.destructiveHint);
  t.false(hints.add_note?.readOnlyHint);
});

test('starts with two welcome notes about localmcp', async (t) => {
  const welcome = await notes(t, 'list_notes', { tag: 'welcome' });
  t.deepEqual(
    welcome.map((note) => note.id),
    ['note-1', 'note-2'],
  );
  t.regex(welcome[0]!.body, /MCP gateway/);
  t.deepEqual(
    (await notes(t, 'search_notes', { query: 'Restarts CRASHED' })).map((note) => note.id),
    ['note-2'],
  );
});

test('add, get, search, list by tag and delete a note', async (t) => {
  const { seen } = t.context;
  const changesBefore = seen.listChanges;
  const added = JSON.parse(
    firstText(await call(t, 'add_note', { title: 'Groceries', body: 'Buy Oat milk', tags: ['crud'] })),
  ) as Note;
  t.like(added, { title: 'Groceries', body: 'Buy Oat milk', tags: ['crud'] });
  t.like(JSON.parse(firstText(await call(t, 'get_note', { id: added.id }))), { id: added.id, title: 'Groceries' });
  t.deepEqual(
    (await notes(t, 'search_notes', { query: 'oat MILK' })).map((note) => note.id),
    [added.id],
  );
  t.deepEqual(
    (await notes(t, 'list_notes', { tag: 'crud' })).map((note) => note.id),
    [added.id],
  );

  const deleted = await call(t, 'delete_note', { id: added.id });
  t.falsy(deleted.isError);
  t.deepEqual(await notes(t, 'list_notes', { tag: 'crud' }), []);
  // Adding and deleting changed the resource list; subscribed clients are told so.
  await waitFor(() => seen.listChanges >= changesBefore + 2, { message: 'resources/list_changed' });

  const again = await call(t, 'delete_note', { id: added.id });
  t.true(again.isError);
  t.regex(firstText(again), new RegExp(`No note with id '${added.id}'`));
});

test('an unknown id is a tool error naming the known ids', async (t) => {
  const result = await call(t, 'get_note', { id: 'nope' });
  t.true(result.isError);
  t.regex(firstText(result), /No note with id 'nope'\. Known ids: note-1, note-2/);
});

test('notes://index and the notes://{id} template read notes as JSON', async (t) => {
  const { resources } = await t.context.client.listResources();
  t.true(resources.some((resource) => resource.uri === 'notes://index'));
  t.true(resources.some((resource) => resource.uri === 'notes://note-1'));
  const { resourceTemplates } = await t.context.client.listResourceTemplates();
  t.deepEqual(
    resourceTemplates.map((template) => template.uriTemplate),
    ['notes://{id}'],
  );

  const index = await t.context.client.readResource({ uri: 'notes://index' });
  const entries = JSON.parse(resourceText(index)) as Array<{ id: string; title: string }>;
  t.deepEqual(
    entries.slice(0, 2).map((entry) => entry.id),
    ['note-1', 'note-2'],
  );
  const note = await t.context.client.readResource({ uri: 'notes://note-2' });
  t.is(note.contents[0]?.mimeType, 'application/json');
  t.like(JSON.parse(resourceText(note)), { id: 'note-2', title: 'Adding your own servers' });
  await t.throwsAsync(t.context.client.readResource({ uri: 'notes://missing' }), {
    message: /No note with id 'missing'/,
  });
});

test('completes note ids for the template', async (t) => {
  const { completion } = await t.context.client.complete({
    ref: { type: 'ref/resource', uri: 'notes://{id}' },
    argument: { name: 'id', value: 'note-' },
  });
  t.true(completion.values.includes('note-1') && completion.values.includes('note-2'));
});

test('summarize_notes prompt embeds the notes, optionally filtered by tag', async (t) => {
  const { prompts } = await t.context.client.listPrompts();
  t.deepEqual(
    prompts.map((prompt) => prompt.name),
    ['summarize_notes'],
  );
  const text = async (args: Record<string, string>) => {
    const { messages } = await t.context.client.getPrompt({ name: 'summarize_notes', arguments: args });
    t.is(messages.length, 1);
    t.is(messages[0]?.role, 'user');
    const content = messages[0]?.content;
    return content?.type === 'text' ? content.text : '';
  };
  const all = await text({});
  t.regex(all, /Summarise my notes/);
  t.regex(all, /Welcome to localmcp[\s\S]*one MCP endpoint in front of many MCP servers/);
  const config = await text({ tag: 'config' });
  t.regex(config, /tagged "config"[\s\S]*Adding your own servers/);
  t.notRegex(config, /Welcome to localmcp/);
});
