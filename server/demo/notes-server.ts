// The `notes` demo upstream: an in-memory notebook exposing tools, resources and a prompt, so a new user
// of `localmcp serve` sees every MCP feature pass through the gateway without configuring anything.
// Run as a stdio child process by the gateway (see ./index.ts); stdout carries only protocol.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { failure, json, runStdio } from './demo-runtime.js';
import { NotesStore, type Note } from './notes-store.js';

function createNotesServer(store: NotesStore): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' });
  // notes://index and the per-note resources change with every add/delete; tell subscribed clients.
  const changed = () => server.sendResourceListChanged();

  server.registerTool(
    'add_note',
    {
      description: 'Add a note. Returns the stored note, including the id used by get_note and delete_note.',
      inputSchema: {
        title: z.string().min(1).describe('Short title'),
        body: z.string().describe('Note text'),
        tags: z.array(z.string()).optional().describe('Optional tags, used by list_notes to filter'),
      },
      annotations: {
        title: 'Add note',
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    ({ title, body, tags }) => {
      const note = store.add(title, body, tags);
      changed();
      return json(note);
    },
  );

  server.registerTool(
    'list_notes',
    {
      description: 'List all notes, or only those carrying a tag.',
      inputSchema: { tag: z.string().optional().describe('Only notes with this tag') },
      annotations: { title: 'List notes', readOnlyHint: true, openWorldHint: false },
    },
    ({ tag }) => json(store.list(tag)),
  );

  server.registerTool(
    'get_note',
    {
      description: 'Get one note by id.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: { title: 'Get note', readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) => {
      const note = store.get(id);
      return note ? json(note) : failure(store.missing(id));
    },
  );

  server.registerTool(
    'search_notes',
    {
      description: 'Find notes whose title or body contains the query (case-insensitive).',
      inputSchema: { query: z.string().min(1).describe('Text to look for') },
      annotations: { title: 'Search notes', readOnlyHint: true, openWorldHint: false },
    },
    ({ query }) => json(store.search(query)),
  );

  server.registerTool(
    'delete_note',
    {
      description: 'Delete a note by id. Returns the deleted note.',
      inputSchema: { id: z.string().describe('Note id, e.g. note-1') },
      annotations: {
        title: 'Delete note',
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    ({ id }) => {
      const note = store.delete(id);
      if (!note) return failure(store.missing(id));
      changed();
      return json(note);
    },
  );

  server.registerResource(
    'notes-index',
    'notes://index',
    { title: 'Notes index', description: 'Ids and titles of all notes', mimeType: 'application/json' },
    (uri) =>
      contents(
        uri.href,
        store.list().map(({ id, title }) => ({ id, title })),
      ),
  );

  const template = new ResourceTemplate('notes://{id}', {
    list: () => ({
      resources: store
        .list()
        .map((note) => ({ uri: `notes://${note.id}`, name: note.title, mimeType: 'application/json' })),
    }),
    complete: { id: (value) => store.ids().filter((id) => id.startsWith(value)) },
  });
  server.registerResource(
    'note',
    template,
    { title: 'Note', description: 'One note as JSON', mimeType: 'application/json' },
    (uri, { id }) => {
      const note = store.get(String(id));
      // A missing resource is a protocol error (the client asked for something that does not exist).
      if (!note) throw new Error(store.missing(String(id)));
      return contents(uri.href, note);
    },
  );

  server.registerPrompt(
    'summarize_notes',
    {
      title: 'Summarize notes',
      description: 'Ask the model to summarise the notes, optionally only those with a tag.',
      argsSchema: { tag: z.string().optional().describe('Only notes with this tag') },
    },
    ({ tag }) => {
      const notes = store.list(tag);
      const scope = tag === undefined ? 'my notes' : `my notes tagged "${tag}"`;
      const body = notes.length ? notes.map(render).join('\n\n') : '(there are no notes)';
      return {
        description: `Summary of ${notes.length} note(s)`,
        messages: [
          { role: 'user', content: { type: 'text', text: `Summarise ${scope} in a few bullet points.\n\n${body}` } },
        ],
      };
    },
  );

  return server;
}

function contents(uri: string, value: unknown) {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

function render(note: Note): string {
  const tags = note.tags.length ? ` [${note.tags.join(', ')}]` : '';
  return `## ${note.title} (${note.id})${tags}\n${note.body}`;
}

await runStdio(createNotesServer(new NotesStore()));
