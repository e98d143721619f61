#include "preload/thread_exit.h"

#include <pthread.h>

#include <atomic>

#include "preload/capture_gate.h"
#include "preload/thread_ring.h"
#include "preload/thread_slots.h"

namespace leakrank::preload {
namespace {

pthread_key_t g_exit_key;
std::atomic<bool> g_exit_key_ready{false};
__attribute__((tls_model("initial-exec"))) thread_local bool t_registered;

// Runs before the destructors of keys the program made later: their frees still record,
// into a shared ring (retire_thread_ring), unwound without a cache.
void on_thread_exit(void*) {
  {
    CaptureEntry entry;  // the ring is in the session, which a detach may be giving back
    retire_thread_ring(entry.entered());
  }
  leave_thread_slot();
}

}  // namespace

void prepare_thread_exit() {
  if (g_exit_key_ready.load(std::memory_order_acquire)) return;  // a fork child inherits the key
  if (pthread_key_create(&g_exit_key, on_thread_exit) == 0) g_exit_key_ready.store(true, std::memory_order_release);
}

// A key made this early has a small index, whose value glibc keeps inside the thread's
// descriptor: setting it allocates nothing. The destructor runs only for a non-null value.
void clean_up_at_thread_exit() {
  if (t_registered) return;
  t_registered = true;
  if (g_exit_key_ready.load(std::memory_order_acquire)) pthread_setspecific(g_exit_key, &t_registered);
}

}  // namespace leakrank::preload
