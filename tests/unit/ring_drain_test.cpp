#include "recorder/ring_drain.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "transport/shared_session.h"

namespace leakrank {
namespace {

constexpr uint64_t kAddress = 0x7f0000001000;

// A session of a few small rings, written the way the preload library writes them.
struct TestSession {
  char name[kSessionNameSize] = {};
  SessionHeader* session = nullptr;

  explicit TestSession(uint32_t ring_capacity = kMinRingCapacity) {
    SessionConfig config;
    config.ring_count = 3;  // rings 0 and 1 shared, ring 2 a thread's own
    config.ring_capacity = ring_capacity;
    session = create_session(config, name);
    REQUIRE(session);
  }
  ~TestSession() {
    unmap_session(session);
    unlink_session(name);
  }

  void publish(uint32_t ring_index, wire::EventKind kind, uint64_t address, uint32_t stack_id = 1) {
    Ring& ring = *session_ring(session, ring_index);
    uint64_t sequence = session->order[order_stripe(kind, address)].next.fetch_add(1);
    publish_numbered(ring, {sequence, address, 16, kind == wire::EventKind::free ? 0 : stack_id, kind, {}});
  }
  static void publish_numbered(Ring& ring, const wire::Event& event) {
    ring.slot(ring.head.load()) = event;
    ring.publish(1);
  }
  Ring& ring(uint32_t ring_index) { return *session_ring(session, ring_index); }
  uint64_t readable(uint32_t ring_index) { return session_ring(session, ring_index)->readable(); }
  void publish_allocations(uint32_t ring_index, int count) {
    for (int i = 0; i < count; ++i) publish(ring_index, wire::EventKind::alloc, kAddress + uint64_t(i) * 64);
  }
  static constexpr uint64_t kFrames[3] = {0x401000, 0x402000, 0x403000};
  void publish_stack(uint32_t ring_index) {  // kFrames: a header and one payload slot
    Ring& ring = *session_ring(session, ring_index);
    wire::Event header{session->order[0].next.fetch_add(1), 0, std::size(kFrames), 9, wire::EventKind::stack, {}};
    REQUIRE(wire::message_slots(header) == 2);
    ring.slot(ring.head.load()) = header;
    uint64_t payload[sizeof(wire::Event) / sizeof(uint64_t)] = {};
    std::copy(std::begin(kFrames), std::end(kFrames), payload);
    std::memcpy(&ring.slot(ring.head.load() + 1), payload, sizeof payload);
    ring.publish(2);
  }
};

// What the drain emitted, as "ring:kind:stack" lines.
struct Emitted {
  std::vector<std::string> lines;
  auto emit() {
    return [this](uint32_t ring, std::span<const wire::Event> message) {
      const wire::Event& header = message[0];
      const char* kind = header.kind == wire::EventKind::alloc ? "alloc" : "free";
      std::string line = std::to_string(ring);
      line.append(":").append(kind).append(":").append(std::to_string(header.stack_id));
      lines.push_back(line);
    };
  }
};

auto always_ready() {
  return [](uint32_t, const wire::Event&) { return true; };
}

}  // namespace

TEST_CASE("a free waits for the allocation of its address published on another ring") {
  TestSession s;
  s.publish(2, wire::EventKind::alloc, kAddress);  // numbered first, drained last
  s.publish(0, wire::EventKind::free, kAddress);
  Emitted emitted;
  RingDrain drain(s.session);
  CHECK(drain.drain(emitted.emit(), always_ready()) == 2);
  CHECK(emitted.lines == std::vector<std::string>{"2:alloc:1", "0:free:0"});
}

TEST_CASE("a message that must wait leaves its ring, and goes once its turn comes") {
  TestSession s;
  Ring& other = *session_ring(s.session, 1);
  uint32_t stripe = order_stripe(wire::EventKind::alloc, kAddress);
  s.session->order[stripe].next = 1;  // number 0 is taken by a thread that has not published yet
  s.publish(0, wire::EventKind::free, kAddress);
  s.publish(0, wire::EventKind::alloc, kAddress + (uint64_t(1) << 40));  // behind it in its ring: waits too
  Emitted emitted;
  RingDrain drain(s.session);
  CHECK(drain.drain(emitted.emit(), always_ready()) == 2);
  CHECK(emitted.lines.empty());
  CHECK(s.readable(0) == 0);  // its producer has its room back
  TestSession::publish_numbered(other, {0, kAddress, 16, 1, wire::EventKind::alloc, {}});
  CHECK(drain.drain(emitted.emit(), always_ready()) == 1);
  CHECK(emitted.lines == std::vector<std::string>{"1:alloc:1", "0:free:0", "0:alloc:1"});
}

TEST_CASE("an allocation whose stack is not defined yet holds back its ring, not the others") {
  TestSession s;
  s.publish(0, wire::EventKind::alloc, kAddress, 7);
  s.publish(0, wire::EventKind::alloc, kAddress + 0x100000, 1);
  s.publish(1, wire::EventKind::alloc, kAddress + (uint64_t(2) << 40), 1);
  bool defined = false;
  auto ready = [&](uint32_t, const wire::Event& header) { return header.stack_id != 7 || defined; };
  Emitted emitted;
  RingDrain drain(s.session);
  drain.drain(emitted.emit(), ready);
  CHECK(emitted.lines == std::vector<std::string>{"1:alloc:1"});
  defined = true;
  drain.drain(emitted.emit(), ready);
  CHECK(emitted.lines == std::vector<std::string>{"1:alloc:1", "0:alloc:7", "0:alloc:1"});
}

TEST_CASE("the final drain emits what waits for a number that will never come") {
  TestSession s;
  s.session->order[order_stripe(wire::EventKind::free, kAddress)].next = 5;
  s.publish(0, wire::EventKind::free, kAddress);
  Emitted emitted;
  RingDrain drain(s.session);
  drain.drain(emitted.emit(), always_ready());
  CHECK(emitted.lines.empty());
  drain.drain(emitted.emit(), always_ready(), true);
  CHECK(emitted.lines == std::vector<std::string>{"0:free:0"});
}

TEST_CASE("a missing number is waited for while a writer holds one, and given up on after") {
  TestSession s;
  s.session->order[order_stripe(wire::EventKind::free, kAddress)].next = 1;  // number 0: a writer's
  s.ring(1).numbering = 1;
  s.publish(0, wire::EventKind::free, kAddress);
  Emitted emitted;
  RingDrain drain(s.session, 0);  // no patience: only the writer keeps the gap open
  drain.drain(emitted.emit(), always_ready());
  drain.drain(emitted.emit(), always_ready());
  CHECK(emitted.lines.empty());
  s.ring(1).numbering = 0;  // that writer is gone (its image was replaced)
  drain.drain(emitted.emit(), always_ready());
  drain.drain(emitted.emit(), always_ready());
  CHECK(emitted.lines == std::vector<std::string>{"0:free:0"});
}

TEST_CASE("a drain takes a bounded share of a ring, so the recorder's loop keeps its pace") {
  TestSession s(65536);
  s.publish_allocations(0, 16383);
  s.publish_stack(0);  // its frames lie past the bound: it goes whole, in this drain
  s.publish_allocations(0, 10000);
  uint64_t emitted = 0;
  RingDrain drain(s.session);
  auto count = [&](uint32_t, std::span<const wire::Event>) { ++emitted; };
  CHECK(drain.drain(count, always_ready()) == 16385);
  CHECK(emitted == 16384);
  CHECK(drain.drain(count, always_ready()) == 10000);
  s.publish_allocations(0, 30000);
  CHECK(drain.drain(count, always_ready(), true) == 30000);  // the last drain takes everything
  CHECK(emitted == 56384);
}

TEST_CASE("a stack's frames reach the recorder whole when they wrap around the ring's end") {
  TestSession s;
  Ring& ring = *session_ring(s.session, 0);
  ring.head = ring.capacity - 1;  // the header goes in the last slot, the frames at the start
  ring.tail = ring.capacity - 1;
  s.publish_stack(0);
  std::vector<uint64_t> received;
  RingDrain drain(s.session);
  drain.drain(
      [&](uint32_t, std::span<const wire::Event> message) {
        size_t frames = std::min<size_t>(message[0].size, (message.size() - 1) * sizeof(wire::Event) / sizeof(uint64_t));
        received.resize(frames);
        if (frames) std::memcpy(received.data(), message.subspan(1).data(), frames * sizeof(uint64_t));
      },
      always_ready());
  CHECK(received == std::vector<uint64_t>(std::begin(TestSession::kFrames), std::end(TestSession::kFrames)));
}

TEST_CASE("a retired ring goes back to free once drained, and the session counts it") {
  TestSession s;
  Ring& own = *session_ring(s.session, 2);
  own.state = uint32_t(RingState::retired);  // its thread has exited
  s.publish(2, wire::EventKind::alloc, kAddress);
  s.publish(0, wire::EventKind::free, kAddress);
  Emitted emitted;
  RingDrain drain(s.session);
  drain.drain(emitted.emit(), always_ready());
  CHECK(emitted.lines == std::vector<std::string>{"2:alloc:1", "0:free:0"});
  CHECK(own.state.load() == uint32_t(RingState::free));
  CHECK(s.session->rings_freed.load() == 1);  // threads on the shared rings look for it now
  CHECK(session_ring(s.session, 0)->state.load() == uint32_t(RingState::shared));  // never freed
  drain.drain(emitted.emit(), always_ready());
  CHECK(s.session->rings_freed.load() == 1);  // a free ring is counted once
}

}  // namespace leakrank
