import { Command, Flags } from '@oclif/core';
import { benchSearchScale, type SearchScaleRow } from '../../../server/bench/search-scale-bench.js';
import { builtinPluginCandidates, loadPlugins, silentLogger } from '../../../server/index.js';
import { pluginCandidatesFromOclif } from '../../plugin-candidates.js';
import { renderTable } from '../../table.js';

export default class BenchSearchScale extends Command {
  static override summary = 'Build time, search latency and recall of each vector backend at 1k, 10k and 100k tools.';
  static override description =
    'Seeded synthetic tool vectors (clustered, like real tool embeddings) are indexed in every search backend plugin at every size, then searched; recall@k is measured against exact cosine search. All backends run in one process, one after another, so the rows compare.';
  static override examples = [
    '<%= config.bin %> bench search-scale',
    '<%= config.bin %> bench search-scale --sizes 1000,10000 --backends exact,hnsw --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    sizes: Flags.string({ summary: 'Comma-separated catalog sizes.', default: '1000,10000,100000' }),
    backends: Flags.string({
      summary: 'Comma-separated search plugins (names or ids).',
      default: 'exact,hnsw,faiss,vectra',
    }),
    dimensions: Flags.integer({ summary: 'Vector length (all-MiniLM-L6-v2 has 384).', default: 384, min: 2 }),
    queries: Flags.integer({ summary: 'Searches per backend and size.', default: 200, min: 1 }),
    k: Flags.integer({ summary: 'Neighbours compared for recall.', default: 10, min: 1 }),
    seed: Flags.integer({ summary: 'Seed of the synthetic vectors.', default: 42 }),
  };

  async run(): Promise<{ rows: SearchScaleRow[] }> {
    const { flags } = await this.parse(BenchSearchScale);
    const sizes = flags.sizes.split(',').map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) this.error(`--sizes must be positive integers`, { exit: 2 });
    const ids = flags.backends.split(',').map((b) => (b.includes(':') ? b.trim() : `search:${b.trim()}`));
    const candidates = [...builtinPluginCandidates(), ...(await pluginCandidatesFromOclif(this.config))];
    const json = this.jsonEnabled();
    const result = await benchSearchScale({
      sizes,
      dimensions: flags.dimensions,
      queries: flags.queries,
      k: flags.k,
      seed: flags.seed,
      // A fresh instance per size: each load creates the plugin anew (imports are cached by Node).
      backends: ids.map((id) => ({
        id,
        create: async () => {
          const registry = await loadPlugins(candidates, { used: [id], logger: silentLogger() });
          const backend = registry.get('search', id.slice('search:'.length));
          if (!backend) {
            const status = registry.statuses().find((s) => s.id === id);
            throw new Error(status?.error ?? `no installed plugin provides ${id}`);
          }
          return backend;
        },
      })),
      onProgress: json ? undefined : (step) => process.stderr.write(`\r${step}                    `),
    });
    if (!json) {
      process.stderr.write('\n');
      const rows = result.rows.map((r) => [
        r.backend,
        r.tools.toLocaleString('en'),
        r.error ? 'failed' : String(r.buildMs),
        r.error ? '' : r.p50Ms.toFixed(3),
        r.error ? '' : r.p99Ms.toFixed(3),
        r.error ? r.error.slice(0, 60) : r.recallAtK.toFixed(3),
      ]);
      this.log(renderTable(['BACKEND', 'TOOLS', 'BUILD MS', 'P50 MS', 'P99 MS', `RECALL@${flags.k}`], rows));
    }
    return result;
  }
}
