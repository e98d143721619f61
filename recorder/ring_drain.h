#pragma once
// Transport, consumer side: empties every ring of one session and hands the messages on
// in timestamp order across threads. A message is released only once no thread can still
// publish an earlier one: rings are checked for an in-flight (busy) producer after the
// watermark time is read, so a free on one thread and the malloc on another that reuses
// the address come out in the order they happened.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "transport/session_layout.h"

namespace leakrank {

class RingDrain {
 public:
  // ring: which ring it came from; message: header slot + payload slots, contiguous.
  using Emit = std::function<void(uint32_t ring, std::span<const wire::Event> message)>;

  explicit RingDrain(SessionHeader* session);

  // Moves everything published so far out of the rings and emits what is safe to order.
  // final: the process is gone, so emit everything and wait for nobody.
  // Returns the number of slots taken from the rings.
  uint64_t drain(const Emit& emit, bool final = false);

 private:
  struct Staging {
    std::vector<wire::Event> slots;
    size_t read = 0;
  };
  void wait_while_busy(Ring& ring);
  uint64_t collect(uint32_t index, bool final);
  void merge(uint64_t watermark, const Emit& emit);

  SessionHeader* session_;
  std::vector<Staging> staging_;
};

}  // namespace leakrank
