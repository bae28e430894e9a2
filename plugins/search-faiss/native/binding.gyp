# faiss-node's N-API addon, compiled from its own source (src/faiss.cc in the faiss-node package) and linked against
# the system's libfaiss (Debian: libfaiss-dev) plus BLAS/LAPACK and OpenMP, instead of the prebuilt binary that
# faiss-node's install script downloads from GitHub. Run by native/build.mjs; the result is
# native/build/Release/faiss_node.node, which src/native.ts loads.
{
  'targets': [
    {
      'target_name': 'faiss_node',
      'sources': ['<!(node locate.mjs faiss-source)'],
      'include_dirs': ['<!(node locate.mjs addon-api-include)'],
      'defines': [
        'NAPI_VERSION=8',
        # C++ exceptions on, and every std::exception (faiss throws FaissException) becomes a JavaScript Error
        # instead of terminating the process: faiss-node catches faiss errors only in a few of its methods.
        'NODE_ADDON_API_CPP_EXCEPTIONS',
        'NODE_ADDON_API_CPP_EXCEPTIONS_ALL',
      ],
      # faiss.cc uses try/catch and dynamic_cast; node's defaults turn both off.
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti'],
      # -w: the warnings are faiss-node's code (unused variables), not ours to fix, and would bury real errors.
      'cflags_cc': ['-fexceptions', '-frtti', '-w', '-include', '<(module_root_dir)/faiss-compat.h'],
      'ldflags': ['-fopenmp'],
      'libraries': ['-lfaiss', '-llapack', '-lblas'],
    },
  ],
}
