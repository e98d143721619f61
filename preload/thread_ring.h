#pragma once
// Transport, producer side: each thread claims a ring of its own in the session on its first
// event and gives it back when it exits; the recorder frees it for a new thread once drained.
// Threads that find none free, or that allocate after theirs was given back (late TLS
// teardown), write to the session's shared rings, one message at a time under a ring's lock.
// The lock is only ever tried: a thread takes whichever shared ring is not busy, starting
// with the one that worked last, and pauses only when none is. No fork leaves it held where
// it matters: a forked child writes to a session of its own (session_client.cpp), and an
// execve, whose old threads are gone, resets the locks (retire_rings_of_process).
#include <sys/single_threaded.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "transport/session_layout.h"

namespace leakrank::preload {

namespace detail {
struct ThreadRing {
  Ring* ring;             // the thread's own ring; null while it has none
  uint64_t freed_seen;    // the session's rings_freed when the thread last found no ring free
  uint32_t epoch;
  uint32_t shared_index;  // the shared ring that took its last message
  bool shared;            // it found no ring of its own: it writes to the shared rings
  bool retired;           // its exit cleanup ran: it never claims a ring again
};
// Inline definitions: the fast path reads them directly, without a TLS init check.
inline __attribute__((tls_model("initial-exec"))) thread_local ThreadRing t_thread_ring;
inline std::atomic<SessionHeader*> g_ring_session{nullptr};
inline std::atomic<uint32_t> g_ring_epoch{1};  // bumped whenever the session changes, invalidating thread rings
}  // namespace detail

// Writes one message group (headers + payload slots) into the calling thread's ring. Every
// allocation and free passes here, so the usual case (the thread's own ring has room) is
// inline, and only claiming a ring, writing to a shared one or waiting goes out of line.
class RingWriter {
 public:
  // Waits until `slots` fit. Returns false when the session is gone (the recorder died):
  // the event is then not recorded and the program goes on. From a true return to commit,
  // the ring says a message is being written (Ring::numbering): its sequence numbers, and
  // a stack id it may define for other threads to use, are on their way.
  bool begin(size_t slots) {
    SessionHeader* session = detail::g_ring_session.load(std::memory_order_acquire);
    Ring* ring = detail::t_thread_ring.ring;
    if (session && ring && detail::t_thread_ring.epoch == detail::g_ring_epoch.load(std::memory_order_acquire) &&
        ring->has_room(slots)) [[likely]] {
      session_ = session;
      ring_ = ring;
      shared_ = false;
      ring->numbering.store(1, std::memory_order_relaxed);
      return true;
    }
    return begin_slowly(slots);
  }
  wire::Event& slot(size_t index) { return ring_->slot(ring_->head.load(std::memory_order_relaxed) + index); }
  // The message's place in its ordering stripe (transport/ordering.h). Taken after the
  // ring has room, so no thread ever holds a number while it waits for the recorder.
  // A process with one thread needs no locked add, which waits for every earlier store to
  // land; glibc clears __libc_single_threaded before a second thread exists.
  uint64_t sequence(uint32_t stripe) {
    std::atomic<uint64_t>& next = session_->order[stripe].next;
    if (!__libc_single_threaded) return next.fetch_add(1, std::memory_order_acq_rel);
    uint64_t number = next.load(std::memory_order_relaxed);
    next.store(number + 1, std::memory_order_relaxed);
    return number;
  }
  void commit(size_t slots) {
    ring_->publish(slots);
    if (shared_) [[unlikely]] unlock_shared();
  }

 private:
  bool begin_slowly(size_t slots);
  bool wait_for_room(Ring* ring, size_t slots);
  bool take_shared_ring(detail::ThreadRing& thread, size_t slots);
  void unlock_shared();

  SessionHeader* session_ = nullptr;
  Ring* ring_ = nullptr;
  bool shared_ = false;
};

void attach_thread_rings(SessionHeader* session);  // process-wide: which session to write to
void forget_thread_ring();                         // after fork: this thread's ring belongs to the parent
// Thread exit; its ring is marked retired only while the session may be touched.
void retire_thread_ring(bool session_reachable);
void retire_rings_of_process(SessionHeader* session, int32_t pid);  // after exec: the old image's threads are gone

}  // namespace leakrank::preload
