#include "preload/thread_ring.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>


#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "preload/bare_file.h"
#include "preload/thread_exit.h"
#include "transport/recorder_lock.h"

namespace leakrank::preload {
namespace {

using detail::g_ring_epoch;
using detail::g_ring_session;
using detail::ThreadRing;
using detail::t_thread_ring;

// The shared rings come first in the session, the rings of their own after them.
Ring* claim_own_ring(SessionHeader* session) {
  for (uint32_t i = session->config.shared_rings; i < session->config.ring_count; ++i) {
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
  char stat[256];
  long got = BareFile(path).read(stat, sizeof stat - 1);
  if (got <= 0) return false;
  stat[got] = '\0';
  const char* after_name = strrchr(stat, ')');  // the name may itself hold spaces or parentheses
  return after_name && (after_name[2] == 'Z' || after_name[2] == 'X');
}

bool recorder_alive(SessionHeader* session) {
  // A recorder that can no longer write (a full disk) says so, and lives on to wait for us.
  int32_t pid = session->recorder_pid.load(std::memory_order_relaxed);
  if (pid == kRecorderGone) return false;
  // Its robust lock says whether it died, even from another pid namespace.
  if (session->recorder_lock_held.load(std::memory_order_acquire)) return !recorder_lock_abandoned(session);
  if (pid <= 0) return true;
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  return !is_zombie(pid);
}

// A shared ring is locked for one message, well under a microsecond, unless its writer was
// preempted: spin a little, then give the core away.
void wait_for_writer(uint64_t round) {
  if (round >= 64) sched_yield();
}

// A full ring waits for the recorder, which needs the CPU to make room. It hands room back
// every 256 slots while it drains a ring, so a short spin often suffices; then naps. Every
// nap's end costs a context switch, so a nap lasts 20 us for each writer waiting, 50 us at
// least: the naps of all of them together end about once per 20 us. One writer soon sees
// the room it waits for, and a thousand leave the recorder its CPU (napping 50 us each,
// 300 threads took 97% of it: 0.9 M events/s instead of 13).
constexpr uint64_t kSpinRounds = 64;
void wait_for_recorder(SessionHeader* session, uint64_t round) {
  if (round < kSpinRounds) return;
  uint64_t waiting = session->waiting_writers.fetch_add(1, std::memory_order_relaxed) + 1;
  uint64_t ns = std::clamp<uint64_t>(waiting * 20'000, 50'000, 50'000'000);
  timespec nap{time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)};
  syscall(SYS_nanosleep, &nap, nullptr);  // glibc's nanosleep is a cancellation point, which malloc is not
  session->waiting_writers.fetch_sub(1, std::memory_order_relaxed);
}

// Waits a little more for room; false once the recorder is known dead: nobody drains, so
// recording stops and the program goes on. Asked every 64 naps: within 3 ms for one waiting
// writer, 1.3 s for a thousand, and all of them together ask under a thousand times a second.
bool recorder_still_draining(SessionHeader* session, uint64_t round) {
  constexpr uint64_t kNapsPerCheck = 64;
  // Detached meanwhile: the session may already be an empty placeholder (session_client.cpp).
  if (g_ring_session.load(std::memory_order_acquire) != session) return false;
  wait_for_recorder(session, round);
  bool due = round >= kSpinRounds && (round - kSpinRounds) % kNapsPerCheck == kNapsPerCheck - 1;
  if (!due || recorder_alive(session)) return true;
  g_ring_session.store(nullptr, std::memory_order_release);
  return false;
}

// A plain read first: a busy ring costs no locked instruction and leaves its line where it is.
bool try_lock(Ring* ring) {
  return ring->lock.load(std::memory_order_relaxed) == 0 && ring->lock.exchange(1, std::memory_order_acquire) == 0;
}

void unlock(Ring* ring) { ring->lock.store(0, std::memory_order_release); }

// Threads that start on the shared rings start on different ones. Each thread's TLS block
// has an address of its own, and reading it costs no system call.
void start_sharing(ThreadRing& thread) {
  uint64_t mixed = uint64_t(reinterpret_cast<uintptr_t>(&thread)) * 0x9e3779b97f4a7c15ULL;
  thread.shared_index = uint32_t(mixed >> 32);
  thread.shared = true;
}

// The thread's state for the current session: a new one (attach, fork) has none of its rings.
ThreadRing& thread_ring_in(uint32_t epoch) {
  ThreadRing& thread = t_thread_ring;
  if (thread.epoch == epoch) return thread;
  thread.epoch = epoch;
  thread.ring = nullptr;
  thread.shared = thread.retired;
  return thread;
}

// On its first message in the session, and then only when the recorder has freed a ring
// since the last look: a scan of every ring on each message costs more than the message.
bool may_find_own_ring(const ThreadRing& thread, SessionHeader* session) {
  if (thread.ring || thread.retired) return false;
  return !thread.shared || session->rings_freed.load(std::memory_order_acquire) != thread.freed_seen;
}

void find_own_ring(ThreadRing& thread, SessionHeader* session) {
  thread.freed_seen = session->rings_freed.load(std::memory_order_acquire);  // before the scan: a ring freed during it counts
  thread.ring = claim_own_ring(session);
  if (thread.ring) thread.shared = false;
  else if (!thread.shared) start_sharing(thread);
}

}  // namespace

void attach_thread_rings(SessionHeader* session) {
  g_ring_epoch.fetch_add(1, std::memory_order_acq_rel);
  g_ring_session.store(session, std::memory_order_release);
}

// A thread past its exit cleanup stays so in the child, and in any later session.
void forget_thread_ring() {
  ThreadRing& thread = t_thread_ring;
  thread.ring = nullptr;
  thread.shared = thread.retired;
  thread.epoch = 0;
}

void retire_thread_ring(bool session_reachable) {
  ThreadRing& thread = t_thread_ring;
  if (session_reachable && thread.ring && thread.epoch == g_ring_epoch.load(std::memory_order_acquire))
    thread.ring->state.store(uint32_t(RingState::retired), std::memory_order_release);
  thread.ring = nullptr;
  thread.retired = true;
  if (!thread.shared) start_sharing(thread);  // frees from the rest of its teardown still record
}

// A thread of the old image may have held a shared ring's lock, or napped as a waiting
// writer, when the image went.
void retire_rings_of_process(SessionHeader* session, int32_t pid) {
  session->waiting_writers.store(0, std::memory_order_relaxed);
  for (uint32_t i = 0; i < session->config.ring_count; ++i) {
    Ring* ring = session_ring(session, i);
    uint32_t state = ring->state.load(std::memory_order_acquire);
    if (state == uint32_t(RingState::shared) || ring->owner_pid == pid) ring->numbering.store(0, std::memory_order_release);
    if (state == uint32_t(RingState::shared)) unlock(ring);
    else if (state == uint32_t(RingState::owned) && ring->owner_pid == pid)
      ring->state.store(uint32_t(RingState::retired), std::memory_order_release);
  }
}

bool RingWriter::begin_slowly(size_t slots) {
  // A thread's first message comes here (it has no ring yet), with or without a session,
  // right after its first stack capture may have made the thread's stack cache.
  clean_up_at_thread_exit();
  SessionHeader* session = g_ring_session.load(std::memory_order_acquire);
  if (!session) return false;
  ThreadRing& thread = thread_ring_in(g_ring_epoch.load(std::memory_order_acquire));
  if (may_find_own_ring(thread, session)) find_own_ring(thread, session);
  session_ = session;
  shared_ = thread.shared;
  bool room = shared_ ? take_shared_ring(thread, slots) : wait_for_room(thread.ring, slots);
  if (room) ring_->numbering.store(1, std::memory_order_relaxed);
  return room;
}

// The thread's own ring is full: the recorder is behind. The event waits, never dropped.
bool RingWriter::wait_for_room(Ring* ring, size_t slots) {
  ring_ = ring;
  for (uint64_t round = 0; !ring->has_room(slots); ++round)
    if (!recorder_still_draining(session_, round)) return false;
  return true;
}

// The shared ring that worked last, else the next one that is neither busy nor full; a
// pause only when every one is. Returns with the ring's lock held, for commit to release.
bool RingWriter::take_shared_ring(ThreadRing& thread, size_t slots) {
  uint32_t count = session_->config.shared_rings;
  uint32_t first = thread.shared_index < count ? thread.shared_index : thread.shared_index % count;  // no division per message
  for (uint64_t busy_rounds = 0, full_rounds = 0;;) {
    uint32_t busy = 0;
    for (uint32_t step = 0, index = first; step < count; ++step, index = index + 1 == count ? 0 : index + 1) {
      Ring* ring = session_ring(session_, index);
      if (!try_lock(ring)) {
        ++busy;
        continue;
      }
      if (ring->has_room(slots)) {
        thread.shared_index = index;
        ring_ = ring;
        return true;
      }
      unlock(ring);
    }
    // One ring that is full, not just busy, says the recorder is behind.
    if (busy == count) {
      if (g_ring_session.load(std::memory_order_acquire) != session_) return false;
      wait_for_writer(busy_rounds++);
    }
    else if (!recorder_still_draining(session_, full_rounds++)) return false;
  }
}

void RingWriter::unlock_shared() { unlock(ring_); }

}  // namespace leakrank::preload
