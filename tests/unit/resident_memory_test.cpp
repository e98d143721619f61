#include "recorder/resident_memory.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "transport/own_memory_ledger.h"
#include "transport/shared_session.h"

using namespace leakrank;

namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kSlack = kMiB;  // the test's own allocations and the segment's headers

uint64_t statm_resident_bytes() {
  unsigned long long size = 0, resident = 0;
  FILE* statm = fopen("/proc/self/statm", "re");
  REQUIRE(statm);
  REQUIRE(fscanf(statm, "%llu %llu", &size, &resident) == 2);
  fclose(statm);
  return resident * uint64_t(sysconf(_SC_PAGESIZE));
}

// A session segment as a target maps it, with touched_bytes of its rings written.
struct MappedSession {
  explicit MappedSession(uint64_t touched_bytes) {
    SessionConfig config;
    config.ring_count = 4;
    config.ring_capacity = 131072;
    session = create_session(config, name);
    REQUIRE(session);
    memset(static_cast<void*>(session_ring(session, 1)), 1, touched_bytes);
  }
  ~MappedSession() {
    unmap_session(session);
    unlink_session(name);
  }
  SessionHeader* session = nullptr;
  char name[kSessionNameSize] = {};
};

}  // namespace

TEST_CASE("the resident set leaves out the session segment the process maps") {
  MappedSession rings(8 * kMiB);
  uint64_t own = own_resident_bytes(getpid());
  uint64_t all = statm_resident_bytes();
  REQUIRE(own > 0);
  CHECK(all - own >= 8 * kMiB);
  CHECK(all - own <= 8 * kMiB + kSlack);
}

TEST_CASE("shared memory of the process's own stays in its resident set") {
  uint64_t before = own_resident_bytes(getpid());
  std::string name = "/resident-memory-test-" + std::to_string(getpid());
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  REQUIRE(fd >= 0);
  shm_unlink(name.c_str());
  REQUIRE(ftruncate(fd, off_t(4 * kMiB)) == 0);
  void* memory = mmap(nullptr, 4 * kMiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  REQUIRE(memory != MAP_FAILED);
  memset(memory, 1, 4 * kMiB);
  uint64_t after = own_resident_bytes(getpid());
  munmap(memory, 4 * kMiB);
  CHECK(after >= before + 4 * kMiB - kSlack / 4);
}

TEST_CASE("the memory the library lists in its ledger is left out, as the program's is not") {
  void* cache = mmap(nullptr, 6 * kMiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void* program = mmap(nullptr, 2 * kMiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(cache != MAP_FAILED);
  REQUIRE(program != MAP_FAILED);
  memset(cache, 1, 4 * kMiB);  // touched in part, as a stack cache is
  memset(program, 1, 2 * kMiB);
  static OwnMemoryLedger ledger;
  ledger.ranges[3] = {reinterpret_cast<uint64_t>(cache), 6 * kMiB, 0};  // any entry may hold it
  auto ledger_address = reinterpret_cast<uint64_t>(&ledger);
  uint64_t own = own_resident_bytes(getpid(), ledger_address);
  uint64_t all = statm_resident_bytes();
  ResidentMemory memory = own_resident_memory(getpid(), ledger_address);
  munmap(cache, 6 * kMiB);
  munmap(program, 2 * kMiB);
  CHECK(all - own >= 4 * kMiB);
  CHECK(all - own <= 4 * kMiB + kSlack);
  CHECK(memory.file_bytes < memory.bytes);  // private pages never leave the shared field
  CHECK(own_resident_bytes(getpid(), 0) > 0);  // no ledger: nothing more is left out
}

TEST_CASE("a thread's entries in the ledger count only while the thread lives") {
  void* cache = mmap(nullptr, 4 * kMiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(cache != MAP_FAILED);
  memset(cache, 1, 4 * kMiB);
  static OwnMemoryLedger ledger;
  auto ledger_address = reinterpret_cast<uint64_t>(&ledger);
  ledger.ranges[0] = {reinterpret_cast<uint64_t>(cache), 4 * kMiB, uint64_t(getpid())};  // the main thread
  uint64_t live = own_resident_bytes(getpid(), ledger_address);
  ledger.ranges[0].thread = uint64_t(1) << 40;  // no such thread: its memory was the program's since
  uint64_t gone = own_resident_bytes(getpid(), ledger_address);
  munmap(cache, 4 * kMiB);
  CHECK(gone >= live + 4 * kMiB - kSlack / 4);
}

TEST_CASE("a process that is gone has no resident set") { CHECK(own_resident_bytes(-1) == 0); }
