#include "recorder/target_memory.h"

#include <sys/uio.h>

namespace leakrank {

bool read_target_memory(pid_t pid, uint64_t address, void* out, size_t size) {
  iovec local{out, size}, remote{reinterpret_cast<void*>(address), size};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == ssize_t(size);
}

bool write_target_memory(pid_t pid, uint64_t address, const void* data, size_t size) {
  iovec local{const_cast<void*>(data), size}, remote{reinterpret_cast<void*>(address), size};
  return process_vm_writev(pid, &local, 1, &remote, 1, 0) == ssize_t(size);
}

}  // namespace leakrank
