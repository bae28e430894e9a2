// In-memory storage for the notes demo server. Kept apart from the MCP wiring so the server file reads as
// a list of tools, and so the data rules (ids, tags, search) live in one place.

export type Note = {
  id: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: string;
};

// The notes a first-time user sees: they double as a short introduction to the gateway itself.
const WELCOME_NOTES: Array<Pick<Note, 'title' | 'body' | 'tags'>> = [
  {
    title: 'Welcome to localmcp',
    body:
      'localmcp is an MCP gateway: one MCP endpoint in front of many MCP servers. ' +
      'This notes server and the toolbox server are built-in demos it starts when no config file exists. ' +
      'Their tools appear namespaced by server, so clients see e.g. notes and toolbox tools side by side.',
    tags: ['welcome', 'localmcp'],
  },
  {
    title: 'Adding your own servers',
    body:
      'Create a config file listing your MCP servers (stdio commands or HTTP URLs) and run `localmcp serve` again. ' +
      'The gateway supervises each upstream, restarts crashed ones, and lets clients search the merged tool catalog.',
    tags: ['welcome', 'config'],
  },
];

export class NotesStore {
  private readonly notes = new Map<string, Note>();
  private nextId = 1;

  constructor(seed: ReadonlyArray<Pick<Note, 'title' | 'body' | 'tags'>> = WELCOME_NOTES) {
    for (const note of seed) this.add(note.title, note.body, note.tags);
  }

  add(title: string, body: string, tags: string[] = []): Note {
    // Sequential ids keep URIs like notes://note-3 short enough for a person to type.
    const note: Note = {
      id: `note-${this.nextId++}`,
      title,
      body,
      tags: [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))],
      createdAt: new Date().toISOString(),
    };
    this.notes.set(note.id, note);
    return note;
  }

  get(id: string): Note | undefined {
    return this.notes.get(id);
  }

  list(tag?: string): Note[] {
    const all = [...this.notes.values()];
    return tag === undefined ? all : all.filter((note) => note.tags.includes(tag));
  }

  search(query: string): Note[] {
    const needle = query.toLowerCase();
    return this.list().filter(
      (note) => note.title.toLowerCase().includes(needle) || note.body.toLowerCase().includes(needle),
    );
  }

  delete(id: string): Note | undefined {
    const note = this.notes.get(id);
    this.notes.delete(id);
    return note;
  }

  ids(): string[] {
    return [...this.notes.keys()];
  }

  /** The error text for a missing id: names the ids that do exist so a model can recover in one step. */
  missing(id: string): string {
    const known = this.ids();
    return `No note with id '${id}'. ` + (known.length ? `Known ids: ${known.join(', ')}.` : 'There are no notes yet.');
  }
}
