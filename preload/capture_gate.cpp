#include "preload/capture_gate.h"

#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "preload/own_memory.h"
#include "preload/thread_slots.h"

namespace leakrank::preload {
namespace {

using detail::g_capture_open;
using detail::g_fence_on_entry;
// Threads found inside capture by a closing thread and not yet left, plus one for each
// closing thread still at work: the shared mappings go when it drops to zero.
std::atomic<int> g_holds{0};
// Threads without a slot (past their exit cleanup, or more threads than slots) count here;
// the high bit says a closing thread counted them as one straggler.
std::atomic<uint64_t> g_unslotted{0};
constexpr uint64_t kUnslottedStraggling = uint64_t(1) << 32;
constexpr uint64_t kUnslottedCount = kUnslottedStraggling - 1;

// Shared mappings waiting for the last straggler. Only closing threads and a straggler's
// last step take this lock, never an ordinary event; a fork child resets it.
constexpr int kPending = 32;
Mapping g_pending[kPending];
int g_pending_count = 0;
std::atomic<bool> g_pending_lock{false};
std::atomic<bool> g_closing{false};  // one closing thread at a time

void spin_lock(std::atomic<bool>& lock) {
  while (lock.exchange(true, std::memory_order_acquire)) sched_yield();
}
void unlock(std::atomic<bool>& lock) { lock.store(false, std::memory_order_release); }

void order_all_threads() {
  if (g_fence_on_entry.load(std::memory_order_relaxed) ||
      syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

void release_pending_if_quiet() {
  spin_lock(g_pending_lock);
  if (g_holds.load(std::memory_order_acquire) == 0) {
    for (int i = 0; i < g_pending_count; ++i) unmap_own_memory(g_pending[i].address, g_pending[i].bytes);
    g_pending_count = 0;
  }
  unlock(g_pending_lock);
}

void take_hold() { g_holds.fetch_add(1, std::memory_order_acq_rel); }
void drop_hold() {
  if (g_holds.fetch_sub(1, std::memory_order_acq_rel) == 1) release_pending_if_quiet();
}

// A full list keeps the rest mapped: never unmapped early, at worst left in place.
void hold_and_append(const Mapping* shared, int count) {
  spin_lock(g_pending_lock);
  g_holds.fetch_add(1, std::memory_order_acq_rel);
  for (int i = 0; i < count && g_pending_count < kPending; ++i)
    if (shared[i].address) g_pending[g_pending_count++] = shared[i];
  unlock(g_pending_lock);
}

}  // namespace

// A locked add: a full fence by itself, before the load of the open flag.
bool detail::enter_without_slot() {
  g_unslotted.fetch_add(1, std::memory_order_seq_cst);
  if (g_capture_open.load(std::memory_order_relaxed)) return true;
  leave_without_slot();
  return false;
}

void detail::leave_without_slot() {
  uint64_t old = g_unslotted.load(std::memory_order_relaxed), next;
  do {
    next = old - 1;
    if ((old & kUnslottedCount) == 1) next &= ~kUnslottedStraggling;
  } while (!g_unslotted.compare_exchange_weak(old, next, std::memory_order_seq_cst));
  if ((old & kUnslottedCount) == 1 && (old & kUnslottedStraggling)) drop_hold();
}

// The owner or the closing thread, whichever sees the other's mark: one of them wins.
void detail::finish_straggling(ThreadSlot& slot) {
  uint32_t expected = 1;
  if (!slot.straggling.compare_exchange_strong(expected, 0, std::memory_order_acq_rel)) return;
  release_thread_memory(slot);
  drop_hold();
}

namespace {

// A thread outside capture cannot enter it any more: its cache goes now. One inside keeps it.
void release_or_mark(ThreadSlot& slot) {
  if (!slot.owned.load(std::memory_order_acquire)) return;
  if (!slot.inside.load(std::memory_order_acquire)) return release_thread_memory(slot);
  if (slot.straggling.load(std::memory_order_relaxed)) return;  // an earlier close counts it already
  take_hold();
  slot.straggling.store(1, std::memory_order_relaxed);
}

void mark_unslotted() {
  uint64_t old = g_unslotted.load(std::memory_order_acquire);
  while ((old & kUnslottedCount) && !(old & kUnslottedStraggling)) {
    take_hold();
    if (g_unslotted.compare_exchange_weak(old, old | kUnslottedStraggling, std::memory_order_seq_cst)) return;
    drop_hold();
  }
}

// Marked inside, but left before it could see the mark: its leave and this look cannot both
// miss each other (order_all_threads between them).
void finish_those_gone_meanwhile() {
  for (size_t i = 0; i < kThreadSlots; ++i) {
    ThreadSlot& slot = *thread_slot_at(i);
    if (slot.straggling.load(std::memory_order_acquire) && !slot.inside.load(std::memory_order_acquire))
      detail::finish_straggling(slot);
  }
}

}  // namespace

void open_capture() {
  if (g_fence_on_entry.load(std::memory_order_relaxed) &&
      syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0)
    g_fence_on_entry.store(false, std::memory_order_relaxed);
  g_capture_open.store(true, std::memory_order_release);
}

void close_capture(const Mapping* shared, int count) {
  spin_lock(g_closing);
  hold_and_append(shared, count);
  g_capture_open.store(false, std::memory_order_relaxed);
  order_all_threads();
  for (size_t i = 0; i < kThreadSlots; ++i) release_or_mark(*thread_slot_at(i));
  mark_unslotted();
  order_all_threads();
  finish_those_gone_meanwhile();
  drop_hold();
  unlock(g_closing);
}

void close_capture_in_child(const Mapping* shared, int count, bool forked_inside_call) {
  // Whoever held these in the parent is not in the child; membarrier is the parent's.
  g_pending_lock.store(false, std::memory_order_relaxed);
  g_closing.store(false, std::memory_order_relaxed);
  g_fence_on_entry.store(true, std::memory_order_relaxed);
  g_capture_open.store(false, std::memory_order_relaxed);
  g_holds.store(0, std::memory_order_relaxed);
  release_other_threads_slots();
  ThreadSlot* own = own_thread_slot();
  // A signal handler that forked inside an event returns into it: the child finishes that
  // event first, and gives back the rest as it leaves.
  bool inside = forked_inside_call || (own ? own->inside.load() != 0 : (g_unslotted.load() & kUnslottedCount) != 0);
  g_unslotted.store(!own && inside ? 1 | kUnslottedStraggling : 0, std::memory_order_relaxed);
  if (own) own->straggling.store(inside ? 1 : 0, std::memory_order_relaxed);
  hold_and_append(shared, count);
  if (own && !inside) release_thread_memory(*own);
  if (!inside) drop_hold();
}

}  // namespace leakrank::preload
