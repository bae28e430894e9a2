// Builds native/build/Release/faiss_node.node from faiss-node's C++ source against the system libfaiss, with the
// node-gyp that npm ships. Run by this package's `install` script (so `npm ci` builds it) and by
// `npm run build:native -w @localmcp/search-faiss` (with --force).
//
// Why not faiss-node's own install script: it downloads a prebuilt binary from GitHub, or else clones faiss and
// builds all of it with cmake-js, both needing network; the root package.json denies it (allowScripts
// "faiss-node": false) and this script builds only the small binding, in seconds.
//
// Without the faiss headers (apt-get install libfaiss-dev) it warns and exits 0: installing localmcp must not fail
// for want of an optional backend. search:faiss then fails at create() saying how to build it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const output = join(nativeDir, 'build', 'Release', 'faiss_node.node');
const force = process.argv.includes('--force');
const say = (message) => process.stderr.write(`[search-faiss] ${message}\n`);

const headers = ['/usr/include', '/usr/local/include'].find((dir) => existsSync(join(dir, 'faiss', 'IndexFlat.h')));
if (!headers) {
  say('the faiss headers are not installed (Debian/Ubuntu: apt-get install libfaiss-dev), so the faiss addon');
  say(
    'is not built and search:faiss will not load. Install them, then: npm run build:native -w @localmcp/search-faiss',
  );
  process.exit(0);
}

const locate = (what) => {
  const result = spawnSync(process.execPath, [join(nativeDir, 'locate.mjs'), what], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cannot locate ${what}: ${result.stderr.trim()}`);
  return result.stdout;
};
const inputs = [
  join(nativeDir, locate('faiss-source')),
  join(nativeDir, 'binding.gyp'),
  join(nativeDir, 'faiss-compat.h'),
  fileURLToPath(import.meta.url),
];
if (!force && existsSync(output)) {
  const built = statSync(output).mtimeMs;
  if (inputs.every((file) => statSync(file).mtimeMs <= built)) {
    say(`${output} is up to date`);
    process.exit(0);
  }
}

// npm sets npm_config_node_gyp for scripts it runs; otherwise use the node-gyp inside npm next to this node.
const prefix = dirname(dirname(process.execPath));
const nodeGyp = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].find((file) => file && existsSync(file));
if (!nodeGyp) {
  say('node-gyp not found: run this through npm (npm run build:native -w @localmcp/search-faiss)');
  process.exit(1);
}
// The headers of the running node, when its installation has them (Debian's nodejs, nodesource, the official
// tarballs): node-gyp would otherwise download them.
const args = [nodeGyp, 'rebuild'];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

const started = Date.now();
say(`building the faiss addon against ${join(headers, 'faiss')} ...`);
const build = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) {
  say(`node-gyp failed (exit ${build.status ?? build.signal}); see its output above`);
  process.exit(1);
}
say(`built ${output} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
