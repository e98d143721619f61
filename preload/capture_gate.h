#pragma once
// When leakrank's memory in the target may go. A detach (or a recorder found dead) closes
// capture; threads that were inside it at that instant, stopped mid-event or napping on a full
// ring, still use their stack cache, the stack table and the session's rings, so each of those
// goes only once no thread can touch it any more:
// - a thread's stack cache at once if its owner is outside capture (every blocked thread),
//   else by the owner itself as it leaves;
// - the shared mappings handed to close_capture when the last thread found inside has left.
// Entering and leaving cost two plain stores and two loads: the closing thread makes up for
// the missing fences with membarrier (or, where that is refused, every entry fences).
#include <atomic>
#include <cstddef>

#include "preload/thread_slots.h"

namespace leakrank::preload {

namespace detail {
inline std::atomic<bool> g_capture_open{false};
inline std::atomic<bool> g_fence_on_entry{true};  // until membarrier is registered
// The entry's store must be seen before its load of g_capture_open, and the leave's before
// its load of `straggling`: a fence on each side of a Dekker pair. The closing side's
// membarrier makes every running thread fence at that instant, so entries only keep the
// compiler in order.
inline void order_entry() {
  if (g_fence_on_entry.load(std::memory_order_relaxed)) std::atomic_thread_fence(std::memory_order_seq_cst);
  else std::atomic_signal_fence(std::memory_order_seq_cst);
}
bool enter_without_slot();
void leave_without_slot();
void finish_straggling(ThreadSlot& slot);
}  // namespace detail

// The calling thread is inside capture while this lives. entered() is false once capture is
// closed: the event is then not recorded, and nothing of leakrank's may be touched. Inline:
// every event passes here. `inside` counts, since a signal handler's event may nest in the
// one the thread is recording; only its owner writes it, so a plain load and store do.
class CaptureEntry {
 public:
  CaptureEntry() : slot_(own_thread_slot()) {
    if (!slot_) [[unlikely]] {
      entered_ = detail::enter_without_slot();
      return;
    }
    slot_->inside.store(slot_->inside.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    detail::order_entry();
    entered_ = detail::g_capture_open.load(std::memory_order_relaxed);
    if (!entered_) leave();
  }
  ~CaptureEntry() {
    if (entered_) leave();
  }
  CaptureEntry(const CaptureEntry&) = delete;
  CaptureEntry& operator=(const CaptureEntry&) = delete;
  bool entered() const { return entered_; }

 private:
  void leave() {
    if (!slot_) [[unlikely]] return detail::leave_without_slot();
    uint32_t depth = slot_->inside.load(std::memory_order_relaxed) - 1;
    slot_->inside.store(depth, std::memory_order_release);
    if (depth) return;
    detail::order_entry();
    if (slot_->straggling.load(std::memory_order_relaxed)) [[unlikely]] detail::finish_straggling(*slot_);
  }

  ThreadSlot* slot_;
  bool entered_;
};

struct Mapping {
  void* address = nullptr;
  size_t bytes = 0;
};

void open_capture();  // a session connected
// Closes capture and gives back every thread's stack cache and the given mappings, each as
// soon as no thread can touch it. Malloc-free; other threads may run.
void close_capture(const Mapping* shared, int count);
// Fork child handler: only the forking thread lives on, inside one of leakrank's calls only
// if the fork came from a signal handler that interrupted one.
void close_capture_in_child(const Mapping* shared, int count, bool forked_inside_call);

}  // namespace leakrank::preload
