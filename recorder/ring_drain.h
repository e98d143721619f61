#pragma once
// Transport, consumer side: empties every ring of one session and hands the messages on
// in an order consistent with what happened (transport/ordering.h): within each ordering
// stripe, by sequence number. A message waits while an earlier number of its stripe is
// still unpublished, or while the caller says it is not ready (its stack is not defined yet).
#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "transport/ordering.h"
#include "transport/session_layout.h"

namespace leakrank {

class RingDrain {
 public:
  // A number is taken and published within a few instructions; one missing for longer than
  // the patience, while no writer is mid-message and every published message was read,
  // belonged to a thread that died in between (an execve elsewhere in the process).
  static constexpr uint64_t kGapPatienceNs = 2'000'000'000;
  explicit RingDrain(SessionHeader* session, uint64_t gap_patience_ns = kGapPatienceNs);

  // Takes everything published so far and emits what can be ordered. Messages go out
  // straight from the rings; one that must wait is moved out of its ring with those behind
  // it, so its thread never waits for another's (measured: copying every message first
  // cost churn's recorder a tenth of its time).
  // emit(ring, message): the message is its header slot and payload slots, contiguous.
  // ready(ring, header): whether the message may go now. A template, so both inline
  // into the loop that runs for every event.
  // final: the process is gone, nothing more will come: take and emit everything, gaps or not.
  // Returns the number of slots taken from the rings.
  template <class Emit, class Ready>
  uint64_t drain(Emit&& emit, Ready&& ready, bool final = false) {
    for (uint32_t index = 0; index < staging_.size(); ++index) published_[index] = drain_end(index, final);
    uint64_t taken = 0;
    bool progress = true;
    while (progress) {
      progress = false;
      for (uint32_t index = 0; index < staging_.size(); ++index) {
        progress |= emit_staged(index, emit, ready, false);
        if (staged(index)) continue;
        uint64_t emitted = emit_in_place(index, emit, ready);
        taken += emitted;
        progress |= emitted > 0;
      }
    }
    for (uint32_t index = 0; index < staging_.size(); ++index) taken += stage_rest(index);
    if (!time_to_skip_gaps(final)) return taken;
    while (skip_oldest_gap())
      while (emit_all_staged(emit, ready, false)) {
      }
    if (final) emit_all_staged(emit, ready, true);  // e.g. a stack whose definition never came
    return taken;
  }

 private:
  struct Staging {
    std::vector<wire::Event> slots;
    size_t read = 0;
  };
  bool staged(uint32_t index) const { return staging_[index].read < staging_[index].slots.size(); }
  // Slots one drain takes from a ring at most: the recorder's loop samples RSS and marks
  // snapshots between drains, and each message is stamped with the time its drain began.
  // A full 4 MiB ring took a sanitized recorder a third of a second.
  static constexpr uint64_t kMostSlotsPerDrain = 16384;
  uint64_t drain_end(uint32_t index, bool final) {
    Ring& ring = *session_ring(session_, index);
    uint64_t readable = ring.readable();
    return ring.tail.load(std::memory_order_relaxed) + (final ? readable : std::min(readable, kMostSlotsPerDrain));
  }
  uint64_t stage_rest(uint32_t index);
  void free_ring(Ring& ring);
  uint64_t whole_messages_end(const Ring& ring, uint64_t from, uint64_t until) const;
  bool every_taken_number_read() const;
  bool time_to_skip_gaps(bool final);
  bool skip_oldest_gap();

  // Whether the message may go now, and if so moves its stripe's next number on.
  template <class Ready>
  bool take_turn(uint32_t index, const wire::Event& header, Ready& ready, bool force) {
    uint64_t& expected = expected_[order_stripe(header.kind, header.address)];
    if (!force && (header.sequence > expected || !ready(index, header))) return false;
    if (header.sequence >= expected) expected = header.sequence + 1;
    return true;
  }

  // Room goes back to the producer every so many slots: a thread that fills its ring while
  // the recorder works through it waits less.
  static constexpr uint64_t kConsumeSlots = 256;

  // Emits the ring's published messages in place while it is their turn; returns the slots
  // taken. Each message is copied out first: the target's thread may write over its own
  // ring, and what was read must not change under the recorder.
  template <class Emit, class Ready>
  uint64_t emit_in_place(uint32_t index, Emit& emit, Ready& ready) {
    Ring& ring = *session_ring(session_, index);
    uint64_t tail = ring.tail.load(std::memory_order_relaxed);
    uint64_t end = published_[index];  // what comes after waits for the next drain, which stamps a later time
    if (tail >= end) return 0;  // the common case on a drain's later passes: no need to read the producer's line
    uint64_t published = ring.published();
    uint64_t at = tail, consumed = tail;
    while (at < end) {
      wire::Event header = ring.slot(at);
      size_t size = wire::message_slots(header);
      if (size > published - at || !take_turn(index, header, ready, false)) break;  // past what is published: damage
      if (size == 1) {
        emit(index, std::span<const wire::Event>(&header, 1));
      } else {
        scratch_.resize(size);
        scratch_[0] = header;
        for (size_t i = 1; i < size; ++i) scratch_[i] = ring.slot(at + i);
        emit(index, std::span<const wire::Event>(scratch_));
      }
      at += size;
      if (at - consumed >= kConsumeSlots) ring.consume(at - std::exchange(consumed, at));
    }
    ring.consume(at - consumed);
    return at - tail;
  }

  // Emits the ring's waiting messages that may go now; returns whether any went out.
  template <class Emit, class Ready>
  bool emit_staged(uint32_t index, Emit& emit, Ready& ready, bool force) {
    Staging& stage = staging_[index];
    bool progress = false;
    while (stage.read < stage.slots.size()) {
      const wire::Event& header = stage.slots[stage.read];
      size_t size = wire::message_slots(header);
      if (stage.read + size > stage.slots.size()) break;  // cannot happen: groups are published whole
      if (!take_turn(index, header, ready, force)) break;
      emit(index, std::span<const wire::Event>(stage.slots.data() + stage.read, size));
      stage.read += size;
      progress = true;
    }
    return progress;
  }

  template <class Emit, class Ready>
  bool emit_all_staged(Emit& emit, Ready& ready, bool force) {
    bool progress = false;
    for (uint32_t index = 0; index < staging_.size(); ++index) progress |= emit_staged(index, emit, ready, force);
    return progress;
  }

  SessionHeader* session_;
  uint64_t gap_patience_ns_;
  std::vector<Staging> staging_;
  std::vector<uint64_t> expected_;  // next sequence number per stripe
  std::vector<wire::Event> scratch_;  // a multi-slot message, copied out of its ring
  std::vector<uint64_t> published_;   // per ring: where this drain stops taking its messages
  uint64_t stuck_since_ns_ = 0;
};

}  // namespace leakrank
