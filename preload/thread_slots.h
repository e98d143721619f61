#pragma once
// What each thread holds of leakrank's, where other threads can see it. A thread blocked in
// the program at detach (nearly every thread of a pool) cannot give back its own stack cache,
// so the detaching thread must, and it may only do so knowing the owner is not inside
// capture: each slot says both. Slots live in the library's own memory, claimed on a thread's
// first event with a compare-and-swap and given back when it exits; nothing allocates.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace leakrank::preload {

struct alignas(64) ThreadSlot {  // a cache line each: owners write `inside` on every event
  std::atomic<uint32_t> owned{0};
  std::atomic<uint32_t> inside{0};      // events the owner is capturing, nested (capture_gate.h)
  std::atomic<uint32_t> straggling{0};  // a closing thread found it inside: it gives back its own
  std::atomic<void*> stack_cache{nullptr};  // mapped by its owner
  size_t stack_cache_bytes = 0;             // written before stack_cache is published
  std::atomic<void*> unwinder_tls{nullptr};  // the owner's TLS block for libunwind (unwinder_cache.h)
  std::atomic<uint32_t> releasing_unwinder{0};
};

constexpr size_t kThreadSlots = 8192;

namespace detail {
struct OwnSlot {
  ThreadSlot* slot;
  bool left;  // past its exit cleanup, or no slot was free: it claims no slot again
};
// Inline: every event asks, so a thread that has its slot pays one TLS load.
inline __attribute__((tls_model("initial-exec"))) thread_local OwnSlot t_own_slot;
ThreadSlot* claim_own_slot();
}  // namespace detail

// The calling thread's slot, claimed on first use; null when every slot is taken or the
// thread is past its exit cleanup (its remaining frees use no slot).
inline ThreadSlot* own_thread_slot() {
  const detail::OwnSlot& own = detail::t_own_slot;
  if (own.slot || own.left) [[likely]] return own.slot;
  return detail::claim_own_slot();
}
ThreadSlot* thread_slot_at(size_t index);  // for a closing thread's scan; never null
// Unmaps the slot's stack cache and libunwind's trace cache, whoever calls it: exactly one
// caller gets each. The owner must be outside capture, or gone.
void release_thread_memory(ThreadSlot& slot);
void leave_thread_slot();  // thread exit: the stack cache goes, the slot is free again
// Fork child: only the forking thread lives on; every other slot's memory is the parent's copy.
void release_other_threads_slots();

}  // namespace leakrank::preload
