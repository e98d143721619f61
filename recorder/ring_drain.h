#pragma once
// Transport, consumer side: empties every ring of one session and hands the messages on
// in an order consistent with what happened (transport/ordering.h): within each ordering
// stripe, by sequence number. A message waits while an earlier number of its stripe is
// still unpublished, or while the caller says it is not ready (its stack is not defined yet).
#include <cstdint>
#include <span>
#include <vector>

#include "transport/ordering.h"
#include "transport/session_layout.h"

namespace leakrank {

class RingDrain {
 public:
  explicit RingDrain(SessionHeader* session);

  // Moves everything published so far out of the rings and emits what can be ordered.
  // emit(ring, message): the message is its header slot and payload slots, contiguous.
  // ready(ring, header): whether the message may go now. A template, so both inline
  // into the loop that runs for every event.
  // final: the process is gone, nothing more will come: emit everything, gaps or not.
  // Returns the number of slots taken from the rings.
  template <class Emit, class Ready>
  uint64_t drain(Emit&& emit, Ready&& ready, bool final = false) {
    uint64_t taken = collect_all();
    while (emit_ready(emit, ready, false)) {
    }
    if (!time_to_skip_gaps(final)) return taken;
    while (skip_oldest_gap())
      while (emit_ready(emit, ready, false)) {
      }
    if (final) emit_ready(emit, ready, true);  // e.g. a stack whose definition never came
    return taken;
  }

 private:
  struct Staging {
    std::vector<wire::Event> slots;
    size_t read = 0;
  };
  uint64_t collect_all();
  uint64_t collect(uint32_t index);
  bool time_to_skip_gaps(bool final);
  bool skip_oldest_gap();

  // Emits, ring by ring, every run of messages whose turn it is; returns whether any went out.
  template <class Emit, class Ready>
  bool emit_ready(Emit& emit, Ready& ready, bool force) {
    bool progress = false;
    for (uint32_t index = 0; index < staging_.size(); ++index) {
      Staging& stage = staging_[index];
      while (stage.read < stage.slots.size()) {
        const wire::Event& header = stage.slots[stage.read];
        uint64_t& expected = expected_[order_stripe(header.kind, header.address)];
        if (!force && (header.sequence > expected || !ready(index, header))) break;
        if (header.sequence >= expected) expected = header.sequence + 1;
        size_t size = wire::message_slots(header);
        if (stage.read + size > stage.slots.size()) break;  // cannot happen: groups are published whole
        emit(index, std::span<const wire::Event>(stage.slots.data() + stage.read, size));
        stage.read += size;
        progress = true;
      }
    }
    return progress;
  }

  SessionHeader* session_;
  std::vector<Staging> staging_;
  std::vector<uint64_t> expected_;  // next sequence number per stripe
  uint64_t stuck_since_ns_ = 0;
};

}  // namespace leakrank
