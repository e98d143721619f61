#include "recorder/ring_drain.h"

#include <algorithm>

#include "transport/monotonic_clock.h"

namespace leakrank {
namespace {

}  // namespace

RingDrain::RingDrain(SessionHeader* session, uint64_t gap_patience_ns)
    : session_(session),
      gap_patience_ns_(gap_patience_ns),
      staging_(session->config.ring_count),
      expected_(kOrderStripes, 0),
      published_(session->config.ring_count, 0) {}

// Moves what is left in the ring behind a message that must wait out of its producer's way.
uint64_t RingDrain::stage_rest(uint32_t index) {
  Ring& ring = *session_ring(session_, index);
  uint32_t state = ring.state.load(std::memory_order_acquire);  // before head, read below: a retired ring's last message is then seen
  uint64_t tail = ring.tail.load(std::memory_order_relaxed);
  uint64_t count = whole_messages_end(ring, tail, published_[index]) - tail;  // the rest goes out in place next time
  Staging& stage = staging_[index];
  if (stage.read > 0 && stage.read * 2 >= stage.slots.size()) {
    stage.slots.erase(stage.slots.begin(), stage.slots.begin() + long(stage.read));
    stage.read = 0;
  }
  // At most two contiguous runs: up to the ring's end, then from its start.
  uint64_t first = std::min<uint64_t>(count, ring.capacity - (tail & (ring.capacity - 1)));
  const wire::Event* run = &ring.slot(tail);
  stage.slots.insert(stage.slots.end(), run, run + first);
  stage.slots.insert(stage.slots.end(), ring.slots(), ring.slots() + (count - first));
  ring.consume(count);
  if (state == uint32_t(RingState::retired) && ring.readable() == 0) free_ring(ring);
  return count;
}

// A retired ring whose last message we now hold can go to the next new thread. Threads
// writing to the shared rings meanwhile look for it once they see the count move.
void RingDrain::free_ring(Ring& ring) {
  ring.state.store(uint32_t(RingState::free), std::memory_order_release);
  session_->rings_freed.fetch_add(1, std::memory_order_release);
}

// The end of the message that reaches `until`, or `until`: the drain's limit may fall inside a
// stack's frames, and staging holds whole messages. `from` is a message's start (the tail).
uint64_t RingDrain::whole_messages_end(const Ring& ring, uint64_t from, uint64_t until) const {
  uint64_t published = ring.published();
  uint64_t at = from;
  while (at < until) {
    uint64_t size = wire::message_slots(ring.slot(at));
    if (size > published - at) return until;  // cannot happen: groups are published whole
    at += size;
  }
  return at;
}

// Gives up on the smallest missing number that blocks a ring, so the rest can flow.
bool RingDrain::skip_oldest_gap() {
  uint64_t* stuck = nullptr;
  uint64_t waiting_for = 0, smallest_gap = UINT64_MAX;
  for (Staging& stage : staging_) {
    if (stage.read >= stage.slots.size()) continue;
    const wire::Event& header = stage.slots[stage.read];
    uint64_t& expected = expected_[order_stripe(header.kind, header.address)];
    if (header.sequence > expected && header.sequence - expected < smallest_gap) {
      smallest_gap = header.sequence - expected;
      stuck = &expected;
      waiting_for = header.sequence;
    }
  }
  if (stuck) *stuck = waiting_for;
  return stuck != nullptr;
}

// Whether every number taken so far is in a message this drain has read: no writer is
// mid-message, and then (in that order) no ring holds a published message not read yet
// (a drain reads a bounded share of each ring, and a writer can be descheduled for seconds).
bool RingDrain::every_taken_number_read() const {
  for (uint32_t index = 0; index < staging_.size(); ++index)
    if (session_ring(session_, index)->numbering.load(std::memory_order_acquire)) return false;
  for (uint32_t index = 0; index < staging_.size(); ++index)
    if (session_ring(session_, index)->readable() > 0) return false;
  return true;
}

// Whether messages have waited long enough for a missing number to give up on it: only a
// number taken by a writer that is gone (an image replaced by execve) never comes.
bool RingDrain::time_to_skip_gaps(bool final) {
  bool pending = false;
  for (const Staging& stage : staging_) pending |= stage.read < stage.slots.size();
  if (!pending) {
    stuck_since_ns_ = 0;
    return false;
  }
  uint64_t now = monotonic_ns();
  if (!stuck_since_ns_) stuck_since_ns_ = now;
  if (!final && (now - stuck_since_ns_ <= gap_patience_ns_ || !every_taken_number_read())) return false;
  stuck_since_ns_ = 0;
  return true;
}

}  // namespace leakrank
