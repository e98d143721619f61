#include "transport/shared_session.h"

#include <doctest/doctest.h>

#include <cstdint>

namespace leakrank {

TEST_CASE("rings keep their full size where the shared-memory filesystem has room") {
  SessionConfig config;
  CHECK(fitted_ring_capacity(config, uint64_t(24) << 30) == config.ring_capacity);
}

TEST_CASE("rings shrink until the session fills at most half of a small filesystem") {
  SessionConfig config;
  uint64_t free_bytes = uint64_t(64) << 20;  // a container's default /dev/shm
  uint32_t capacity = fitted_ring_capacity(config, free_bytes);
  CHECK(capacity < config.ring_capacity);
  CHECK((capacity & (capacity - 1)) == 0);  // ring indexing masks with capacity - 1
  SessionConfig fitted = config;
  fitted.ring_capacity = capacity;
  CHECK(session_bytes(fitted) <= free_bytes / 2);
  fitted.ring_capacity = capacity * 2;
  CHECK(session_bytes(fitted) > free_bytes / 2);  // and no smaller than that requires
}

TEST_CASE("a full filesystem still gets rings of the smallest size") {
  CHECK(fitted_ring_capacity(SessionConfig{}, 0) == kMinRingCapacity);
}

TEST_CASE("a created session records the ring size it was given, and its size matches") {
  char name[kSessionNameSize] = {};
  SessionHeader* session = create_session(SessionConfig{}, name);
  REQUIRE(session);
  uint32_t capacity = session->config.ring_capacity;
  CHECK(capacity >= kMinRingCapacity);
  CHECK(capacity <= SessionConfig{}.ring_capacity);
  CHECK(session_ring(session, 1)->capacity == capacity);
  SessionHeader* opened = open_session(name);  // checks the segment's size against its config
  CHECK(opened);
  unmap_session(opened);
  unmap_session(session);
  CHECK(unlink_session(name));
}

TEST_CASE("a session's first rings are shared, the others wait free for threads of their own") {
  char name[kSessionNameSize] = {};
  SessionConfig config;
  SessionHeader* session = create_session(config, name);
  REQUIRE(session);
  CHECK(session->config.shared_rings == config.shared_rings);
  for (uint32_t i = 0; i < session->config.ring_count; ++i) {
    RingState expected = i < config.shared_rings ? RingState::shared : RingState::free;
    CHECK(session_ring(session, i)->state.load() == uint32_t(expected));
  }
  CHECK(session->rings_freed.load() == 0);
  unmap_session(session);
  CHECK(unlink_session(name));
}

TEST_CASE("a session keeps at least one shared ring and one ring a thread can own") {
  char name[kSessionNameSize] = {};
  SessionConfig config;
  config.ring_count = 1;
  config.shared_rings = 0;
  SessionHeader* session = create_session(config, name);
  REQUIRE(session);
  CHECK(session->config.ring_count == 2);
  CHECK(session->config.shared_rings == 1);
  SessionHeader* opened = open_session(name);  // and opening it accepts what creating it made
  CHECK(opened);
  unmap_session(opened);
  unmap_session(session);
  CHECK(unlink_session(name));
}

}  // namespace leakrank
