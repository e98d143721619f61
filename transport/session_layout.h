#pragma once
// The shared-memory segment one recorded process writes into: a header, then ring_count
// rings. The first shared_rings of them are shared by the threads that find no free ring of
// their own among the others (preload/thread_ring.h).
#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "transport/ordering.h"
#include "transport/ring_buffer.h"
#include "transport/unrecorded_processes.h"

namespace leakrank {

constexpr uint64_t kSessionMagic = 0x4b4e41524b41454cULL;  // "LEAKRANK" little-endian
constexpr uint32_t kSessionVersion = 9;
constexpr size_t kSessionNameSize = 64;
constexpr uint32_t kMaxChildren = 256;
constexpr const char* kSessionEnv = "LEAKRANK_SESSION";
// A session's shared-memory name: this, then 32 hex digits. In /proc/PID/maps it is a file
// in /dev/shm, which is how the recorder tells the segments in a target's memory.
constexpr char kSessionNamePrefix[] = "/leakrank-";
constexpr int32_t kRecorderGone = -1;

// A process forked or exec'd from the target announces its own session here. The entry
// stays until the recorder saw the process exit, so an image it execs finds the session.
struct ChildEntry {
  std::atomic<int32_t> pid{0};  // 0 free, -1 being written, >0 ready
  std::atomic<uint32_t> adopted{0};  // the recorder drains its session
  int32_t parent_pid = 0;
  char session_name[kSessionNameSize] = {};
};

struct SessionConfig {
  uint32_t ring_count = 64;
  // Four writers at a time, a message each in a few hundred ns, outpace what one recorder
  // drains; the 60 other rings go one to a thread while they last.
  uint32_t shared_rings = 4;
  uint32_t ring_capacity = 131072;  // slots of 32 bytes, at most: 4 MiB per thread, touched only when used
  uint32_t max_depth = 64;
  uint32_t follow_children = 0;
  uint64_t sample_bytes = 0;      // 0: record every allocation
};

struct SessionHeader {
  uint64_t magic;
  uint32_t version;
  SessionConfig config;
  std::atomic<int32_t> target_pid;        // the process whose events this session holds
  std::atomic<int32_t> recorder_pid;      // kRecorderGone: nobody drains any more
  std::atomic<uint64_t> recorder_heartbeat_ns;  // producers stop waiting on a dead recorder
  std::atomic<uint32_t> connected;        // set once the preload library has started writing
  std::atomic<uint32_t> detach_requested; // attach: the recorder asks the library to go inert
  std::atomic<uint32_t> preload_dropped;  // forked with an LD_PRELOAD that no longer loads us
  std::atomic<uint64_t> own_memory_ledger;  // the target's address of its OwnMemoryLedger; 0: none
  UnrecordedProcesses unrecorded_processes;  // started by the target, not followed
  char root_session_name[kSessionNameSize];  // where descendants register
  ChildEntry children[kMaxChildren];
  // How many times the recorder has freed a ring. A thread writing to the shared rings looks
  // for a ring of its own again only when this moved: on its own cache line, which the
  // recorder writes once per freed ring and those threads read on every message.
  alignas(64) std::atomic<uint64_t> rings_freed;
  // Writers napping until the recorder makes room in their full rings: each naps the longer
  // the more there are, so that together they do not take the recorder's CPU.
  alignas(64) std::atomic<uint32_t> waiting_writers;
  OrderCounter order[kOrderStripes];
  // attach: a robust lock the recorder holds for as long as it lives (transport/recorder_lock.h).
  alignas(64) pthread_mutex_t recorder_lock;
  std::atomic<uint32_t> recorder_lock_held;
};

inline size_t ring_stride(uint32_t capacity) { return sizeof(Ring) + size_t(capacity) * sizeof(wire::Event); }
inline size_t session_bytes(const SessionConfig& c) {
  size_t header = (sizeof(SessionHeader) + 63) & ~size_t(63);
  return header + size_t(c.ring_count) * ring_stride(c.ring_capacity);
}
inline Ring* session_ring(SessionHeader* s, uint32_t index) {
  size_t header = (sizeof(SessionHeader) + 63) & ~size_t(63);
  return reinterpret_cast<Ring*>(reinterpret_cast<char*>(s) + header + index * ring_stride(s->config.ring_capacity));
}

}  // namespace leakrank
