#include "transport/shared_session.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace leakrank {
namespace {

void random_name(char (&out)[kSessionNameSize]) {
  unsigned char bytes[16] = {};
  ssize_t got = getrandom(bytes, sizeof bytes, 0);
  if (got != ssize_t(sizeof bytes)) {  // no entropy source: fall back to clock and pid
    uint64_t mix = uint64_t(getpid()) * 0x9e3779b97f4a7c15ULL ^ uint64_t(clock());
    memcpy(bytes, &mix, sizeof mix);
  }
  static const char hex[] = "0123456789abcdef";
  memcpy(out, kSessionNamePrefix, sizeof kSessionNamePrefix - 1);
  size_t at = sizeof kSessionNamePrefix - 1;
  for (unsigned char b : bytes) {
    out[at++] = hex[b >> 4];
    out[at++] = hex[b & 15];
  }
  out[at] = '\0';
}

void* map_fd(int fd, size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// Pages of a tmpfs segment are allocated when first written: one that does not fit kills the
// writer with SIGBUS. So the rings are sized to the room there is, not to what they could use.
// fstatfs, not fstatvfs: a bare system call, safe inside a malloc hook. A tmpfs without a
// size limit (a memfd's) reports no blocks at all: nothing to fit to there.
SessionConfig fitted_to_filesystem(SessionConfig config, int fd) {
  struct statfs fs {};
  if (fstatfs(fd, &fs) == 0 && fs.f_blocks != 0) config.ring_capacity = fitted_ring_capacity(config, uint64_t(fs.f_bavail) * uint64_t(fs.f_bsize));
  return config;
}

// Threads beyond the rings of their own need at least one shared ring, and one ring of
// their own keeps the common case lock-free.
SessionConfig with_shared_rings(SessionConfig config) {
  if (config.ring_count < 2) config.ring_count = 2;
  if (config.shared_rings < 1) config.shared_rings = 1;
  if (config.shared_rings >= config.ring_count) config.shared_rings = config.ring_count - 1;
  return config;
}

}  // namespace

uint32_t fitted_ring_capacity(const SessionConfig& config, uint64_t free_bytes) {
  SessionConfig fitted = config;
  while (fitted.ring_capacity > kMinRingCapacity && session_bytes(fitted) > free_bytes / 2) fitted.ring_capacity /= 2;
  return fitted.ring_capacity;
}

SessionHeader* create_session(const SessionConfig& wanted, char (&name_out)[kSessionNameSize]) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    random_name(name_out);
    SessionHeader* session = create_named_session(wanted, name_out);
    if (session || errno != EEXIST) return session;
  }
  return nullptr;
}

SessionHeader* create_named_session(const SessionConfig& wanted, const char (&name)[kSessionNameSize]) {
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return nullptr;
  SessionHeader* session = create_session_in_file(fd, wanted, name);
  int saved = errno;
  close(fd);
  if (!session) {
    shm_unlink(name);
    errno = saved;
  }
  return session;
}

SessionHeader* create_session_in_file(int fd, const SessionConfig& wanted, const char (&name)[kSessionNameSize]) {
  SessionConfig config = fitted_to_filesystem(with_shared_rings(wanted), fd);
  size_t bytes = session_bytes(config);
  void* memory = ftruncate(fd, off_t(bytes)) == 0 ? map_fd(fd, bytes) : nullptr;
  if (!memory) return nullptr;
  auto* session = new (memory) SessionHeader{};
  session->magic = kSessionMagic;
  session->version = kSessionVersion;
  session->config = config;
  memcpy(session->root_session_name, name, kSessionNameSize);
  for (uint32_t i = 0; i < config.ring_count; ++i) {
    Ring* ring = new (session_ring(session, i)) Ring{};
    ring->capacity = config.ring_capacity;
    if (i < config.shared_rings) ring->state.store(uint32_t(RingState::shared), std::memory_order_relaxed);
  }
  return session;
}

void random_session_name(char (&name_out)[kSessionNameSize]) { random_name(name_out); }

SessionHeader* open_session(const char* name) {
  int fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  SessionHeader* session = open_session_file(fd);
  close(fd);
  return session;
}

SessionHeader* open_session_file(int fd) {
  struct stat st {};
  SessionHeader* session = nullptr;
  if (fstat(fd, &st) == 0 && size_t(st.st_size) >= sizeof(SessionHeader) && st.st_uid == geteuid())
    session = static_cast<SessionHeader*>(map_fd(fd, size_t(st.st_size)));
  if (!session) return nullptr;
  const SessionConfig& config = session->config;
  bool valid = session->magic == kSessionMagic && session->version == kSessionVersion &&
               session_bytes(config) == size_t(st.st_size) && config.shared_rings >= 1 &&
               config.shared_rings < config.ring_count;
  if (!valid) {
    munmap(session, size_t(st.st_size));
    errno = EINVAL;
    return nullptr;
  }
  return session;
}

// "fd:N" names a descriptor the process already holds; anything else is a shm_open name.
SessionHeader* open_session_reference(const char* reference) {
  size_t prefix = sizeof kSessionFdPrefix - 1;
  if (strncmp(reference, kSessionFdPrefix, prefix) != 0) return open_session(reference);
  int fd = 0;
  const char* digit = reference + prefix;
  if (*digit == '\0') return nullptr;
  for (; *digit; ++digit) {
    if (*digit < '0' || *digit > '9' || fd > 1000000) return nullptr;
    fd = fd * 10 + (*digit - '0');
  }
  return open_session_file(fd);
}

void unmap_session(SessionHeader* session) {
  if (session) munmap(session, session_bytes(session->config));
}

bool unlink_session(const char* name) { return shm_unlink(name) == 0; }

}  // namespace leakrank
