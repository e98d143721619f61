#include "preload/stack_capture.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <link.h>

#include <cstring>

#include "preload/fork_gate.h"
#include "preload/load_span.h"
#include "preload/loaded_objects.h"
#include "preload/own_memory.h"
#include "preload/stack_table.h"
#include "preload/thread_slots.h"
#include "preload/thread_stack.h"
#include "preload/unwinder_cache.h"

namespace leakrank::preload {

// An interpreter's eval loop calls its allocating helpers from one frame, so one call site
// (return address and stack pointer) sees as many chains as the code it runs calls helpers
// from: with four ways the bundled pyservice missed the cache on 24% of its events, with eight 6%.
constexpr int kSetBits = 6;
constexpr int kWays = 8;  // a call site may keep this many chains at once
constexpr int kCacheEntries = kWays << kSetBits;
constexpr int kCachedDepth = 64;
constexpr int kRepeatsBeforeCaching = 16;

struct CachedFrames {
  uintptr_t return_address;
  uintptr_t frame_end;
  int max_depth;
  int depth;       // -1: not cached yet; the stack last unwound the fast way is in ips
  int fast_depth;  // depth of that stack
  int repeats;     // how often the fast way gave that same stack
  uint32_t stack_id;
  uint32_t last_used;
  uint64_t id_epoch;
  uint64_t hash;       // of ips under hash_seed - 1 (0: none yet)
  uint64_t hash_seed;
  uintptr_t ips[kCachedDepth];
  uintptr_t slots[kCachedDepth];  // where each return address is stored on the stack
};

// The ids this thread's stacks last got, by hash: the shared table's slots lie scattered over
// 32 MiB, and a lookup there missed the caches on most Python events, whose stacks have no
// cached id (the same native chain runs many Python stacks).
constexpr int kRecentIdBits = 9;
struct RecentStackId {
  uint64_t hash;
  uint64_t epoch;
  uint32_t id;
};
struct RecentStackIds {
  RecentStackId ids[1 << kRecentIdBits];
  RecentStackId& of(uint64_t hash) { return ids[hash >> (64 - kRecentIdBits)]; }
};

// A thread's cache, mapped as one: the chains by call site, then the recent ids.
struct ThreadCacheMemory {
  CachedFrames entries[kCacheEntries];
  RecentStackIds recent;
};

namespace {

uintptr_t g_own_start = 0;
uintptr_t g_own_end = 0;

// The entries live in the thread's slot (thread_slots.h), where a detach can give them back.
struct ThreadCache {
  ThreadCacheMemory* memory;  // for this event only: from the slot, mapped when it had none
  uint32_t clock;     // for least recently used; wrapping only misjudges an eviction
  StackMemory stack;  // this thread's stack: the only memory a hit reads
  uint32_t stack_lookups, chains_until_lookup;  // backoff while the thread runs on another stack
  bool unavailable;  // mapping failed: unwound the plain way from then on
};
__attribute__((tls_model("initial-exec"))) thread_local ThreadCache t_cache;

// Finds the PT_LOAD span of the object that holds this very function.
int find_own_object(dl_phdr_info* info, size_t, void* data) {
  LoadSpan span = load_span(info);
  if (!span.contains(reinterpret_cast<uintptr_t>(data))) return 0;
  g_own_start = span.start;
  g_own_end = span.end;
  return 1;
}

bool is_own_frame(uintptr_t ip) { return ip >= g_own_start && ip < g_own_end; }

ThreadCacheMemory* map_cache_memory(ThreadSlot& slot) {
  void* memory = map_own_memory(sizeof(ThreadCacheMemory), OwnedBy::thread);
  if (!memory) return nullptr;
  slot.stack_cache_bytes = sizeof(ThreadCacheMemory);
  slot.stack_cache.store(memory, std::memory_order_release);
  return static_cast<ThreadCacheMemory*>(memory);
}

// Called inside capture (capture_gate.h), so the slot's cache stays mapped until the event ends.
ThreadCache* thread_cache() {
  ThreadCache& cache = t_cache;
  ThreadSlot* slot = cache.unavailable ? nullptr : own_thread_slot();
  if (!slot) return nullptr;
  cache.memory = static_cast<ThreadCacheMemory*>(slot->stack_cache.load(std::memory_order_relaxed));
  if (!cache.memory) cache.memory = map_cache_memory(*slot);
  cache.unavailable = cache.memory == nullptr;
  return cache.memory ? &cache : nullptr;
}

// The stack's bounds are looked up when a chain is first cached, not when the thread first
// allocates: most short-lived threads never get that far. A thread found on a foreign stack
// asks again after twice as many chains each time.
bool knows_own_stack(ThreadCache& cache) {
  if (!cache.stack.empty()) return true;
  if (cache.chains_until_lookup > 0) {
    --cache.chains_until_lookup;
    return false;
  }
  cache.stack = current_thread_stack();
  cache.chains_until_lookup = 1u << (cache.stack_lookups < 20 ? cache.stack_lookups++ : 20);
  return !cache.stack.empty();
}

// The ways of a call site's set: one site may hold several of them, one chain each.
CachedFrames* set_for(ThreadCache& cache, const CallSite& site) {
  uint64_t h = (site.return_address ^ (site.frame_end << 7)) * 0x9e3779b97f4a7c15ULL;
  return &cache.memory->entries[(h >> (64 - kSetBits)) * kWays];
}

bool same_site(const CachedFrames& entry, const CallSite& site, int max_depth) {
  return entry.return_address == site.return_address && entry.frame_end == site.frame_end &&
         entry.max_depth == max_depth;
}

CachedFrames& least_recently_used(CachedFrames* set) {
  CachedFrames* oldest = set;
  for (int way = 1; way < kWays; ++way)
    if (set[way].last_used < oldest->last_used) oldest = &set[way];
  return *oldest;
}

bool still_current(const CachedFrames& entry) {
  for (int i = 0; i < entry.depth; ++i)
    if (*reinterpret_cast<const volatile uintptr_t*>(entry.slots[i]) != entry.ips[i]) return false;
  return true;
}

// The full unwind, keeping the slot of each return address: after a step to frame k, its
// stack pointer is the caller-side end of frame k-1, just above where ip_k was pushed.
// Returns the depth, or -1 when some slot lies outside this thread's stack (a signal frame,
// a coroutine stack): such a stack is used but never cached.
int unwind_with_slots(const ThreadCache* cache, uintptr_t* ips, uintptr_t* slots, int max_depth) {
  unw_context_t context;
  unw_cursor_t cursor;
  if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return 0;
  int depth = 0;
  bool cacheable = cache != nullptr;
  while (depth < max_depth && unw_step(&cursor) > 0) {
    unw_word_t ip = 0, sp = 0;
    unw_get_reg(&cursor, UNW_REG_IP, &ip);
    unw_get_reg(&cursor, UNW_REG_SP, &sp);
    if (depth == 0 && is_own_frame(ip)) continue;
    uintptr_t slot = uintptr_t(sp) - sizeof(uintptr_t);
    cacheable = cacheable && unw_is_signal_frame(&cursor) <= 0 && cache->stack.holds(slot, sizeof(uintptr_t));
    ips[depth] = uintptr_t(ip);
    if (slots) slots[depth] = slot;
    ++depth;
  }
  return cacheable ? depth : -depth - 1;
}

// libunwind's unw_backtrace, with its trace cache: the cheapest full unwind.
int unwind_fast(uintptr_t* ips, int max_depth) {
  void* raw[kMaxStackDepth + 16];
  int got = unw_backtrace(raw, max_depth + 16 < kMaxStackDepth + 16 ? max_depth + 16 : kMaxStackDepth + 16);
  if (ThreadSlot* slot = own_thread_slot()) note_unwinder_cache(*slot);  // its trace cache exists now
  int skip = 0;
  while (skip < got && is_own_frame(reinterpret_cast<uintptr_t>(raw[skip]))) ++skip;
  int depth = got - skip < max_depth ? got - skip : max_depth;
  for (int i = 0; i < depth; ++i) ips[i] = reinterpret_cast<uintptr_t>(raw[skip + i]);
  return depth;
}

CachedFrames* cached_chain(ThreadCache& cache, const CallSite& site, int max_depth) {
  CachedFrames* set = set_for(cache, site);
  uint32_t now = ++cache.clock;
  for (int way = 0; way < kWays; ++way) {
    CachedFrames& entry = set[way];
    if (entry.depth >= 0 && same_site(entry, site, max_depth) && still_current(entry)) {
      entry.last_used = now;
      return &entry;
    }
  }
  return nullptr;
}

// Recording the slots needs libunwind's step-by-step cursor, which blocks signals around
// each lookup (two system calls per frame): pay it only once a call site has given the
// same stack several times. A site that alternates between chains keeps one way for each.
CapturedStack unwind_and_watch(ThreadCache& cache, const CallSite& site, uintptr_t* scratch, int max_depth) {
  CachedFrames* set = set_for(cache, site);
  uint32_t now = cache.clock;
  int fast_depth = unwind_fast(scratch, max_depth);
  CachedFrames* watching = nullptr;
  for (int way = 0; way < kWays && !watching; ++way) {
    CachedFrames& entry = set[way];
    if (entry.depth < 0 && same_site(entry, site, max_depth) && entry.fast_depth == fast_depth &&
        memcmp(scratch, entry.ips, sizeof(uintptr_t) * size_t(fast_depth)) == 0)
      watching = &entry;
  }
  if (!watching) {
    CachedFrames& entry = least_recently_used(set);
    entry.return_address = site.return_address;
    entry.frame_end = site.frame_end;
    entry.max_depth = max_depth;
    entry.depth = -1;
    entry.repeats = 0;
    entry.last_used = now;
    memcpy(entry.ips, scratch, sizeof(uintptr_t) * size_t(fast_depth));
    entry.fast_depth = fast_depth;
    return {scratch, fast_depth, nullptr};
  }
  CachedFrames& entry = *watching;
  entry.last_used = now;
  if (++entry.repeats < kRepeatsBeforeCaching || !knows_own_stack(cache)) return {scratch, fast_depth, nullptr};
  int depth = unwind_with_slots(&cache, entry.ips, entry.slots, max_depth);
  if (depth < 0) {  // not cacheable (a signal frame, another stack): forget the chain
    entry.return_address = 0;
    return {scratch, fast_depth, nullptr};
  }
  entry.depth = depth;
  entry.id_epoch = 0;
  entry.hash_seed = 0;
  return {entry.ips, depth, &entry};
}

CapturedStack captured_stack(ThreadCache* cache, const CallSite& site, uintptr_t* scratch, int max_depth) {
  if (CachedFrames* hit = cache ? cached_chain(*cache, site, max_depth) : nullptr) return {hit->ips, hit->depth, hit};
  // A hit reads only this thread's stack; unwinding takes libunwind's and the loader's locks.
  ForkSensitiveCall call;
  if (!call.entered()) return {scratch, 0, nullptr};  // a fork is being prepared: no stack this once
  if (!cache) return {scratch, unwind_fast(scratch, max_depth), nullptr};
  return unwind_and_watch(*cache, site, scratch, max_depth);
}

}  // namespace

void init_stack_capture() {
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
  walk_loaded_objects(find_own_object, reinterpret_cast<void*>(&init_stack_capture));
  find_unwinder_tls();
}

CapturedStack capture_stack(const CallSite& site, uintptr_t* scratch, int max_depth) {
  ThreadCache* cache = site.frame_end && max_depth <= kCachedDepth ? thread_cache() : nullptr;
  CapturedStack stack = captured_stack(cache, site, scratch, max_depth);
  stack.recent = cache ? &cache->memory->recent : nullptr;
  return stack;
}

uint32_t cached_stack_id(const CapturedStack& stack, uint64_t epoch) {
  return stack.cached && stack.cached->id_epoch == epoch ? stack.cached->stack_id : 0;
}

void remember_stack_id(const CapturedStack& stack, uint32_t id, uint64_t epoch) {
  if (!stack.cached) return;
  stack.cached->stack_id = id;
  stack.cached->id_epoch = epoch;
}

uint32_t recent_stack_id(const CapturedStack& stack, uint64_t hash, uint64_t epoch) {
  if (!stack.recent) return 0;
  const RecentStackId& recent = stack.recent->of(hash);
  return recent.hash == hash && recent.epoch == epoch ? recent.id : 0;
}

void remember_recent_stack_id(const CapturedStack& stack, uint64_t hash, uint32_t id, uint64_t epoch) {
  if (stack.recent && id) stack.recent->of(hash) = {hash, epoch, id};
}

uint64_t stack_hash(const CapturedStack& stack, uint64_t seed) {
  CachedFrames* entry = stack.cached;
  if (entry && entry->hash_seed == seed + 1) return entry->hash;
  uint64_t hash = hash_stack(stack.ips, stack.depth, seed);
  if (entry) {
    entry->hash = hash;
    entry->hash_seed = seed + 1;
  }
  return hash;
}

}  // namespace leakrank::preload
