#pragma once
// Transport, producer side: each thread claims a ring of its own in the session on its
// first event and gives it back when it exits. Threads that find no free ring, or that
// allocate after their ring was given back (late TLS teardown), share ring 0 under a spinlock.
#include <cstddef>
#include <cstdint>

#include "transport/session_layout.h"

namespace leakrank::preload {

// Writes one message group (headers + payload slots) into the calling thread's ring.
class RingWriter {
 public:
  // Waits until `slots` fit. Returns false when the session is gone (the recorder died):
  // the event is then not recorded and the program goes on.
  bool begin(size_t slots);
  wire::Event& slot(size_t index);
  // The message's place in its ordering stripe (transport/ordering.h). Taken after the
  // ring has room, so no thread ever holds a number while it waits for the recorder.
  uint64_t sequence(uint32_t stripe);
  void commit(size_t slots);

 private:
  SessionHeader* session_ = nullptr;
  Ring* ring_ = nullptr;
  bool shared_ = false;
};

void attach_thread_rings(SessionHeader* session);  // process-wide: which session to write to
void forget_thread_ring();                         // after fork: this thread's ring belongs to the parent
void retire_thread_ring();                         // thread exit
void retire_rings_of_process(SessionHeader* session, int32_t pid);  // after exec: the old image's threads are gone

}  // namespace leakrank::preload
