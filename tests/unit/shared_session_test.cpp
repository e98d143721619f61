#include "transport/shared_session.h"

#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

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

TEST_CASE("a session made in a memfd keeps its full rings and opens by descriptor, as attach passes it") {
  int fd = memfd_create("/leakrank-test", MFD_CLOEXEC);
  REQUIRE(fd >= 0);
  char name[kSessionNameSize] = {};
  random_session_name(name);
  CHECK(strncmp(name, kSessionNamePrefix, sizeof kSessionNamePrefix - 1) == 0);
  SessionHeader* session = create_session_in_file(fd, SessionConfig{}, name);
  REQUIRE(session);
  // A memfd's filesystem has no size limit: nothing to shrink the rings to.
  CHECK(session->config.ring_capacity == SessionConfig{}.ring_capacity);
  CHECK(strncmp(session->root_session_name, name, kSessionNameSize) == 0);
  std::string reference = kSessionFdPrefix + std::to_string(fd);
  SessionHeader* opened = open_session_reference(reference.c_str());
  REQUIRE(opened);
  CHECK(opened->config.ring_capacity == session->config.ring_capacity);
  unmap_session(opened);
  unmap_session(session);
  close(fd);
}

TEST_CASE("a descriptor reference that is not a number, or names no session, opens nothing") {
  for (const char* reference : {"fd:", "fd:12x", "fd:-1", "fd:99999999999"}) CHECK(open_session_reference(reference) == nullptr);
  int fd = memfd_create("not-a-session", MFD_CLOEXEC);
  REQUIRE(fd >= 0);
  REQUIRE(ftruncate(fd, 1 << 20) == 0);
  std::string reference = kSessionFdPrefix + std::to_string(fd);
  CHECK(open_session_reference(reference.c_str()) == nullptr);  // no magic: refused
  close(fd);
}

}  // namespace leakrank
