// Prints a path binding.gyp needs: `faiss-source`, faiss-node's C++ source, relative to this folder (gyp names
// object files after source paths and mangles absolute ones), or `addon-api-include`, the node-addon-api headers
// this package depends on.
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const paths = {
  'faiss-source': () => relative(here, join(dirname(require.resolve('faiss-node/package.json')), 'src', 'faiss.cc')),
  'addon-api-include': () => require('node-addon-api').include_dir,
};
const what = process.argv[2];
if (!(what in paths)) {
  process.stderr.write(`usage: node locate.mjs ${Object.keys(paths).join('|')}\n`);
  process.exit(2);
}
process.stdout.write(paths[what]());
