#pragma once
// Whether the recorder still lives, seen from the target without a system call and across
// pid namespaces: the recorder holds a robust, process-shared mutex in the session for its
// whole life. However it ends (SIGKILL, OOM), the kernel clears the owner in the lock word
// and sets FUTEX_OWNER_DIED, so the target only reads a word of shared memory; a pid it
// could kill(2) may not even exist in its namespace.
#include <linux/futex.h>

#include <atomic>

#include "transport/session_layout.h"

namespace leakrank {

// Recorder side, on the thread that lives as long as the recorder (its main thread).
bool hold_recorder_lock(SessionHeader* session);
void release_recorder_lock(SessionHeader* session);  // before the session is unmapped

// Target side, malloc-free: true once a recorder that took the lock has released it or died.
inline bool recorder_lock_abandoned(const SessionHeader* session) {
  if (!session->recorder_lock_held.load(std::memory_order_acquire)) return false;
  // glibc's mutex word is the futex word: the owner's tid, FUTEX_OWNER_DIED when it died.
  auto* word = reinterpret_cast<const std::atomic<int>*>(&session->recorder_lock.__data.__lock);
  int value = word->load(std::memory_order_acquire);
  return (value & FUTEX_OWNER_DIED) || (value & FUTEX_TID_MASK) == 0;
}

}  // namespace leakrank
