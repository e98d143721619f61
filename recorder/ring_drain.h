#pragma once
// Transport, consumer side: empties every ring of one session and hands the messages on
// in an order consistent with what happened (transport/ordering.h): within each ordering
// stripe, by sequence number. A message waits while an earlier number of its stripe is
// still unpublished, or while the caller says it is not ready (its stack is not defined yet).
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
  using Ready = std::function<bool(uint32_t ring, const wire::Event& header)>;

  explicit RingDrain(SessionHeader* session);

  // Moves everything published so far out of the rings and emits what can be ordered.
  // final: the process is gone, nothing more will come: emit everything, gaps or not.
  // Returns the number of slots taken from the rings.
  uint64_t drain(const Emit& emit, const Ready& ready, bool final = false);

 private:
  struct Staging {
    std::vector<wire::Event> slots;
    size_t read = 0;
  };
  uint64_t collect(uint32_t index);
  bool emit_ready(const Emit& emit, const Ready& ready, bool force);
  bool skip_oldest_gap();

  SessionHeader* session_;
  std::vector<Staging> staging_;
  std::vector<uint64_t> expected_;  // next sequence number per stripe
  uint64_t stuck_since_ns_ = 0;
};

}  // namespace leakrank
