// Run as a child process by cli.test.ts (`node --import tsx test/plugins/load-installed-plugins.ts`) with
// LOCALMCP_DATA_DIR pointing at a temporary data dir: it does what `localmcp serve` does at start-up (oclif config
// -> candidates -> loader), from the built dist/ that the CLI runs, and prints the candidates, the statuses and
// one vector search through the loaded plugin as JSON.
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';
import { pluginCandidatesFromOclif } from '../../dist/cli/plugin-candidates.js';
import { loadPlugins } from '../../dist/server/plugins/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const config = await Config.load({ root: repoRoot });
const candidates = await pluginCandidatesFromOclif(config);
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const registry = await loadPlugins(candidates, { logger: silent });
const search = registry.get('search', 'fixture');
await search?.upsert([
  { id: 'notes__add', vector: Float32Array.from([1, 0]) },
  { id: 'files__read', vector: Float32Array.from([0, 1]) },
]);
const hits = await search?.search(Float32Array.from([1, 0.1]), { limit: 1 });
await registry.close();
process.stdout.write(JSON.stringify({ dataDir: config.dataDir, candidates, statuses: registry.statuses(), hits }));
