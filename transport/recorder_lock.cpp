#include "transport/recorder_lock.h"

namespace leakrank {

bool hold_recorder_lock(SessionHeader* session) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
  bool held = pthread_mutex_init(&session->recorder_lock, &attributes) == 0 &&
              pthread_mutex_lock(&session->recorder_lock) == 0;
  pthread_mutexattr_destroy(&attributes);
  if (held) session->recorder_lock_held.store(1, std::memory_order_release);
  return held;
}

// Unlocked rather than left on the thread's robust list: the kernel would write to the
// list's entries at exit, and glibc would walk them, after the segment is gone.
void release_recorder_lock(SessionHeader* session) {
  if (session->recorder_lock_held.load(std::memory_order_acquire)) pthread_mutex_unlock(&session->recorder_lock);
}

}  // namespace leakrank
