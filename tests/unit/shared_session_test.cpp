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

}  // namespace leakrank
