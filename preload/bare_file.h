#pragma once
// A file read with bare system calls, for /proc files read from inside the hooks: glibc's
// open and read are thread-cancellation points (malloc is not one, so a hook must not be),
// and nothing here takes a lock or allocates.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

namespace leakrank::preload {

class BareFile {
 public:
  explicit BareFile(const char* path) : fd_(int(syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC))) {}
  ~BareFile() {
    if (fd_ >= 0) syscall(SYS_close, fd_);
  }
  BareFile(const BareFile&) = delete;
  BareFile& operator=(const BareFile&) = delete;

  // Bytes read into buffer: 0 at the end, negative when the file could not be read.
  long read(char* buffer, size_t size) { return fd_ < 0 ? -1 : syscall(SYS_read, fd_, buffer, size); }

 private:
  int fd_;
};

}  // namespace leakrank::preload
