// Force-included before faiss-node's src/faiss.cc (see binding.gyp). faiss-node 0.5.1 is written against faiss
// 1.7.4, which has a namespace-level `faiss::idx_t`; Debian 12's libfaiss-dev is 1.7.3, where it is only
// `faiss::Index::idx_t`. Re-declaring the same alias is harmless on newer faiss, so this builds against both.
#pragma once
#include <cstdint>

namespace faiss {
using idx_t = int64_t;
}
