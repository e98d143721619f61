#include "preload/thread_ring.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "preload/thread_exit.h"

namespace leakrank::preload {
namespace {

using detail::g_ring_epoch;
using detail::g_ring_session;
using detail::ThreadRing;
using detail::t_thread_ring;
Ring* claim_own_ring(SessionHeader* session) {
  for (uint32_t i = 1; i < session->config.ring_count; ++i) {
    Ring* ring = session_ring(session, i);
    uint32_t expected = uint32_t(RingState::free);
    if (ring->state.load(std::memory_order_relaxed) != expected) continue;
    if (!ring->state.compare_exchange_strong(expected, uint32_t(RingState::owned), std::memory_order_acq_rel))
      continue;
    ring->owner_pid = int32_t(getpid());
    ring->owner_tid = int32_t(syscall(SYS_gettid));
    ring->cached_tail = ring->tail.load(std::memory_order_acquire);
    return ring;
  }
  return nullptr;
}

// A recorder that died but was not reaped yet is a zombie, which kill(pid, 0) still finds.
bool is_zombie(int32_t pid) {
  char path[40] = "/proc/";
  char digits[16];
  int n = 0;
  for (int32_t v = pid; v > 0 && n < 15; v /= 10) digits[n++] = char('0' + v % 10);
  size_t at = 6;
  while (n > 0) path[at++] = digits[--n];
  memcpy(path + at, "/stat", 6);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char stat[256];
  ssize_t got = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (got <= 0) return false;
  stat[got] = '\0';
  const char* after_name = strrchr(stat, ')');  // the name may itself hold spaces or parentheses
  return after_name && (after_name[2] == 'Z' || after_name[2] == 'X');
}

bool recorder_alive(SessionHeader* session) {
  int32_t pid = session->recorder_pid.load(std::memory_order_relaxed);
  if (pid == kRecorderGone) return false;
  if (pid <= 0) return true;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  return !is_zombie(pid);
}

void pause_briefly(uint64_t round) {
  if (round < 64) return;
  if (round < 256) {
    sched_yield();
    return;
  }
  timespec nap{0, 50'000};
  nanosleep(&nap, nullptr);
}

void lock_shared(Ring* ring) {
  for (uint64_t round = 0;; ++round) {
    uint32_t expected = 0;
    if (ring->lock.compare_exchange_weak(expected, 1, std::memory_order_acquire)) return;
    pause_briefly(round);
  }
}

}  // namespace

void attach_thread_rings(SessionHeader* session) {
  g_ring_epoch.fetch_add(1, std::memory_order_acq_rel);
  g_ring_session.store(session, std::memory_order_release);
}

void forget_thread_ring() {
  t_thread_ring.ring = nullptr;
  t_thread_ring.retired = false;
  t_thread_ring.epoch = 0;
}

void retire_thread_ring() {
  Ring* ring = t_thread_ring.ring;
  t_thread_ring.ring = nullptr;
  t_thread_ring.retired = true;  // later frees from this thread's teardown go to the shared ring
  if (ring && t_thread_ring.epoch == g_ring_epoch.load(std::memory_order_acquire))
    ring->state.store(uint32_t(RingState::retired), std::memory_order_release);
}

void retire_rings_of_process(SessionHeader* session, int32_t pid) {
  session_ring(session, 0)->lock.store(0, std::memory_order_release);
  for (uint32_t i = 1; i < session->config.ring_count; ++i) {
    Ring* ring = session_ring(session, i);
    if (ring->state.load(std::memory_order_acquire) != uint32_t(RingState::owned) || ring->owner_pid != pid) continue;
    ring->state.store(uint32_t(RingState::retired), std::memory_order_release);
  }
}

bool RingWriter::begin_slowly(size_t slots) {
  // A thread's first message comes here (it has no ring yet), with or without a session,
  // right after its first stack capture may have made the thread's stack cache.
  clean_up_at_thread_exit();
  SessionHeader* session = g_ring_session.load(std::memory_order_acquire);
  if (!session) return false;
  uint32_t epoch = g_ring_epoch.load(std::memory_order_acquire);
  if (t_thread_ring.epoch != epoch) {
    t_thread_ring.ring = nullptr;
    t_thread_ring.epoch = epoch;
    t_thread_ring.retired = false;
  }
  if (!t_thread_ring.ring && !t_thread_ring.retired) t_thread_ring.ring = claim_own_ring(session);
  shared_ = t_thread_ring.ring == nullptr;
  ring_ = shared_ ? session_ring(session, 0) : t_thread_ring.ring;
  if (shared_) lock_shared(ring_);
  for (uint64_t round = 0; !ring_->has_room(slots); ++round) {
    pause_briefly(round);
    if ((round & 1023) == 1023 && !recorder_alive(session)) {
      g_ring_session.store(nullptr, std::memory_order_release);  // nobody drains: stop recording, keep running
      if (shared_) unlock_shared();
      return false;
    }
  }
  session_ = session;
  return true;
}

void RingWriter::unlock_shared() { ring_->lock.store(0, std::memory_order_release); }

}  // namespace leakrank::preload
