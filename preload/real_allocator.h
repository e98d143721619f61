#pragma once
// The allocator functions leakrank wraps: the next definition after leakrank's when it is
// preloaded, the program's own when it was loaded into a running process. dlsym itself may
// allocate before they are known; those requests are served from a static bootstrap arena.
#include <atomic>
#include <cstddef>

#include "preload/hooked_functions.h"

namespace leakrank::preload {

struct RealAllocator {
#define LEAKRANK_REAL_POINTER(name, result, parameters) result(*name) parameters = nullptr;
  LEAKRANK_HOOKED_FUNCTIONS(LEAKRANK_REAL_POINTER)
  LEAKRANK_PASSED_THROUGH_FUNCTIONS(LEAKRANK_REAL_POINTER)
#undef LEAKRANK_REAL_POINTER
  bool interposed = false;  // LD_PRELOAD put leakrank first; false when `leakrank attach` loaded it
};

// LD_PRELOAD, as the environment has it now, names libleakrank.
bool preload_in_environment();

// Resolves every function on first use; returns nullptr while resolution is under way
// (the caller then falls back to the bootstrap arena).
const RealAllocator* resolve_real_allocator();

inline std::atomic<const RealAllocator*> g_resolved_allocator{nullptr};

// Inline: every hook asks, so once resolved this is one load.
inline const RealAllocator* real_allocator() {
  const RealAllocator* resolved = g_resolved_allocator.load(std::memory_order_acquire);
  return resolved ? resolved : resolve_real_allocator();
}

namespace bootstrap {
// dlsym's own allocations (its error buffers) are few and small.
alignas(64) inline unsigned char g_arena[64 * 1024];

void* allocate(size_t size, size_t alignment = 16);  // never freed; nullptr when exhausted
inline bool owns(const void* p) {  // inline: every free asks
  auto* byte = static_cast<const unsigned char*>(p);
  return byte >= g_arena && byte < g_arena + sizeof g_arena;
}
size_t usable_size(const void* p);
}  // namespace bootstrap

}  // namespace leakrank::preload
