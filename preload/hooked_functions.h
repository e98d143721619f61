#pragma once
// The C library functions leakrank replaces, once for every place that needs them: the
// pointers to the real functions (RealAllocator) and their resolution, and the GOT slots
// `leakrank attach` patches all follow these lists. A hook itself is written in hooks.cpp.
//
// X(name, return type, parameter types)
#include <sys/types.h>

#include <cstddef>

// Recorded calls: each has a hook of the same name in hooks.cpp.
#define LEAKRANK_HOOKED_FUNCTIONS(X)                           \
  X(malloc, void*, (size_t))                                   \
  X(free, void, (void*))                                       \
  X(calloc, void*, (size_t, size_t))                           \
  X(realloc, void*, (void*, size_t))                           \
  X(reallocarray, void*, (void*, size_t, size_t))              \
  X(posix_memalign, int, (void**, size_t, size_t))             \
  X(aligned_alloc, void*, (size_t, size_t))                    \
  X(memalign, void*, (size_t, size_t))                         \
  X(valloc, void*, (size_t))                                   \
  X(pvalloc, void*, (size_t))                                  \
  X(mmap, void*, (void*, size_t, int, int, int, off_t))        \
  X(mmap64, void*, (void*, size_t, int, int, int, off_t))      \
  X(munmap, int, (void*, size_t))                              \
  X(mprotect, int, (void*, size_t, int))                       \
  X(mremap, void*, (void*, size_t, size_t, int, ...))

// Also needed from the library leakrank stands in front of, but not recorded, so never patched.
#define LEAKRANK_PASSED_THROUGH_FUNCTIONS(X) \
  X(malloc_usable_size, size_t, (void*))     \
  X(dlopen, void*, (const char*, int))       \
  X(dlclose, int, (void*))
