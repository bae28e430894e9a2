// The tool index with an embedder: dense similarity fused with the lexical scores finds what words alone miss,
// embeddings are persisted by content hash (a restart re-embeds nothing unchanged), and the index follows
// catalog changes. The embedder is a tiny concept-table model so that its meaning is known exactly.
import test from 'ava';
import type { Embedder } from '@localmcp/plugin-api';
import { Catalog } from '../../server/catalog/catalog.js';
import { EmbeddingCache } from '../../server/discovery/embedding-cache.js';
import { ToolIndex } from '../../server/discovery/tool-index.js';
import { ExactIndex } from '../../server/discovery/vector/exact-index.js';
import { silentLogger } from '../../server/telemetry/logger.js';
import { EMPTY_LISTS } from '../../server/upstream/lists.js';
import { tempDir } from '../helpers/gateway.js';

// Words that mean the same thing share a dimension; everything else hashes into the remaining ones.
const CONCEPTS: Record<string, number> = { car: 0, automobile: 0, vehicle: 0, weather: 1, forecast: 1, rain: 1 };
const DIMS = 32;

class ConceptEmbedder implements Embedder {
  readonly id = 'test:concepts';
  readonly dimensions = DIMS;
  embedded: string[] = [];
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.embedded.push(...texts);
    return texts.map((text) => {
      const v = new Float32Array(DIMS);
      for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
        const concept = CONCEPTS[word];
        const dim = concept ?? 2 + ([...word].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % (DIMS - 2));
        v[dim]! += concept === undefined ? 0.2 : 1;
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  }
}

const tool = (name: string, description: string) => ({ name, description, inputSchema: { type: 'object' as const } });
const ALL = ['tools', 'prompts', 'resources', 'resourceTemplates'] as const;

function setup(dir: string, embedder: ConceptEmbedder) {
  const catalog = new Catalog();
  const index = new ToolIndex({
    catalog,
    describeServer: () => undefined,
    strategy: 'two-stage',
    logger: silentLogger(),
    dense: {
      embedder,
      backend: new ExactIndex(),
      cache: new EmbeddingCache(dir, embedder.id),
      fusion: { method: 'rrf', weight: 0.5 },
    },
  });
  return { catalog, index };
}

const garage = {
  ...EMPTY_LISTS,
  tools: [
    tool('book_service', 'Book a service appointment for your car at the garage.'),
    tool('list_invoices', 'List past invoices.'),
  ],
};
const sky = { ...EMPTY_LISTS, tools: [tool('get_outlook', 'Tomorrow: rain or sun? The forecast for a city.')] };

test('dense similarity finds a tool whose words differ from the query', async (t) => {
  const embedder = new ConceptEmbedder();
  const { catalog, index } = setup(await tempDir(), embedder);
  catalog.update('garage', 'garage', garage, [...ALL]);
  catalog.update('sky', 'sky', sky, [...ALL]);
  await index.settled();
  const hits = await index.search('repair my automobile', { limit: 3 });
  t.is(hits[0]?.name, 'garage__book_service');
  t.regex(hits[0]!.reason, /.+/);
  const weather = await index.search('weather tomorrow', { limit: 1 });
  t.is(weather[0]?.name, 'sky__get_outlook');
});

test('embeddings persist by content hash: a restart re-embeds only what changed', async (t) => {
  const dir = await tempDir();
  const first = new ConceptEmbedder();
  const a = setup(dir, first);
  a.catalog.update('garage', 'garage', garage, [...ALL]);
  await a.index.settled();
  t.is(first.embedded.length, 2, 'both tools embedded once');

  const second = new ConceptEmbedder();
  const b = setup(dir, second);
  const changed = {
    ...garage,
    tools: [garage.tools[0]!, tool('list_invoices', 'List past invoices of your vehicle.')],
  };
  b.catalog.update('garage', 'garage', changed, [...ALL]);
  await b.index.settled();
  t.is(second.embedded.length, 1, 'only the changed tool is embedded again');
  t.regex(second.embedded[0]!, /vehicle/);
  t.is((await b.index.search('automobile invoices', { limit: 1 }))[0]?.name, 'garage__list_invoices');
});

test('the dense index follows removals', async (t) => {
  const embedder = new ConceptEmbedder();
  const { catalog, index } = setup(await tempDir(), embedder);
  catalog.update('garage', 'garage', garage, [...ALL]);
  catalog.update('sky', 'sky', sky, [...ALL]);
  await index.settled();
  catalog.update('garage', 'garage', EMPTY_LISTS, [...ALL]);
  await index.settled();
  const hits = await index.search('automobile', { limit: 5 });
  t.false(hits.some((hit) => hit.server === 'garage'));
});
