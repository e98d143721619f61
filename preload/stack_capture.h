#pragma once
// Call stacks of the allocating code. Unwinding is the dearest part of capture, and most
// allocations come again and again from the same few call chains: each thread keeps up to
// eight chains per call site, with the stack address where every frame's return address lives.
// A hit re-reads those slots (one load per frame) instead of unwinding; any difference in
// the chain changes a slot, and the stack is unwound again with libunwind.
#include <cstdint>

namespace leakrank::preload {

constexpr int kMaxStackDepth = 256;

// Where an allocator hook was called from: its return address, and its caller's stack
// pointer after that return (the hook's canonical frame address).
struct CallSite {
  uintptr_t return_address = 0;
  uintptr_t frame_end = 0;
};

struct CachedFrames;    // one cache entry, owned by the thread
struct RecentStackIds;  // the thread's recent stack ids by hash

struct CapturedStack {
  const uintptr_t* ips = nullptr;  // innermost first, leakrank's own frames removed
  int depth = 0;
  CachedFrames* cached = nullptr;  // the cache entry holding it, if any
  RecentStackIds* recent = nullptr;  // the capturing thread's, if it has a cache
};

void init_stack_capture();  // caching policy, and the address range of leakrank's own code
// scratch must hold kMaxStackDepth entries; the result may point into it or into the cache.
CapturedStack capture_stack(const CallSite& site, uintptr_t* scratch, int max_depth);

// The stack id last given to a cached stack, valid while `epoch` is unchanged (0: none).
uint32_t cached_stack_id(const CapturedStack& stack, uint64_t epoch);
void remember_stack_id(const CapturedStack& stack, uint32_t id, uint64_t epoch);

// The id the capturing thread last saw for a stack hash, valid while `epoch` is unchanged
// (0: none): a front to the shared stack table for stacks with no cached id.
uint32_t recent_stack_id(const CapturedStack& stack, uint64_t hash, uint64_t epoch);
void remember_recent_stack_id(const CapturedStack& stack, uint64_t hash, uint32_t id, uint64_t epoch);

// hash_stack of the stack under seed, computed once per cached stack and seed: a stack with
// Python frames has no id of its own to cache, but its native part keeps this hash.
uint64_t stack_hash(const CapturedStack& stack, uint64_t seed);

}  // namespace leakrank::preload
