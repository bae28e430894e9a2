// Run as a child process by cli.test.ts (`node --import tsx test/plugins/load-installed-plugins.ts`) with
// LOCALMCP_DATA_DIR pointing at a temporary data dir: it does what `localmcp serve` does at start-up (oclif config
// -> candidates -> loader), from the built dist/ that the CLI runs, and prints the candidates, the statuses and
// one search through the loaded plugin as JSON.
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
await search?.index([{ id: 'notes__add', name: 'add', server: 'notes', description: 'Add a note' }]);
const hits = await search?.search('note', { limit: 5 });
await registry.close();
process.stdout.write(JSON.stringify({ dataDir: config.dataDir, candidates, statuses: registry.statuses(), hits }));
