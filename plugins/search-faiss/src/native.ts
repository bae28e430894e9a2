import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as FaissNode from 'faiss-node';

/** The part of faiss-node's binding this plugin uses: the exact inner-product index. */
export type FaissBinding = Pick<typeof FaissNode, 'IndexFlatIP'>;

/** Where native/build.mjs puts the addon it compiles from faiss-node's source against the system libfaiss. */
export const BUILT_ADDON = fileURLToPath(new URL('../native/build/Release/faiss_node.node', import.meta.url));

const require = createRequire(import.meta.url);
let binding: FaissBinding | undefined;

/**
 * The faiss binding: the addon this package builds, or else faiss-node's own prebuilt binary (present where its
 * install script was allowed to download it). Throws, saying how to build it, when neither loads.
 */
export function loadFaiss(): FaissBinding {
  if (binding) return binding;
  try {
    binding = require(BUILT_ADDON) as FaissBinding;
  } catch (builtError) {
    try {
      binding = require('faiss-node') as FaissBinding;
    } catch {
      const reason =
        (builtError as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND'
          ? `${BUILT_ADDON} is not built`
          : `${BUILT_ADDON} does not load: ${(builtError as Error).message}`;
      throw new Error(
        `the faiss addon is not available (${reason}); install the faiss headers (Debian/Ubuntu: apt-get install ` +
          'libfaiss-dev), then run: npm run build:native -w @localmcp/search-faiss',
        { cause: builtError },
      );
    }
  }
  return binding;
}
