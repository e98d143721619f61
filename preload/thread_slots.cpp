#include "preload/thread_slots.h"

#include "preload/own_memory.h"
#include "preload/thread_exit.h"
#include "preload/unwinder_cache.h"

namespace leakrank::preload {
namespace {

ThreadSlot g_slots[kThreadSlots];  // the library's own zero pages: touched only as threads claim them

ThreadSlot* claim_slot() {
  for (ThreadSlot& slot : g_slots) {
    if (slot.owned.load(std::memory_order_relaxed)) continue;
    uint32_t expected = 0;
    if (slot.owned.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return &slot;
  }
  return nullptr;
}

}  // namespace

ThreadSlot* detail::claim_own_slot() {
  OwnSlot& own = t_own_slot;
  own.slot = claim_slot();
  if (!own.slot) own.left = true;  // every slot taken: do not scan them again on every event
  else clean_up_at_thread_exit();
  return own.slot;
}

ThreadSlot* thread_slot_at(size_t index) { return &g_slots[index]; }

namespace {

void release_stack_cache(ThreadSlot& slot) {
  void* cache = slot.stack_cache.exchange(nullptr, std::memory_order_acq_rel);
  if (cache) unmap_own_memory(cache, slot.stack_cache_bytes);
}

}  // namespace

void release_thread_memory(ThreadSlot& slot) {
  release_stack_cache(slot);
  release_unwinder_cache(slot);
}

void leave_thread_slot() {
  detail::OwnSlot& own = detail::t_own_slot;
  own.left = true;
  if (!own.slot) return;
  release_stack_cache(*own.slot);
  forget_unwinder_cache(*own.slot);
  own.slot->owned.store(0, std::memory_order_release);
  own.slot = nullptr;
}

void release_other_threads_slots() {
  ThreadSlot* own = detail::t_own_slot.slot;
  for (ThreadSlot& slot : g_slots) {
    if (&slot == own || !slot.owned.load(std::memory_order_relaxed)) continue;
    release_thread_memory(slot);
    slot.inside.store(0, std::memory_order_relaxed);
    slot.straggling.store(0, std::memory_order_relaxed);
    slot.owned.store(0, std::memory_order_relaxed);
  }
}

}  // namespace leakrank::preload
