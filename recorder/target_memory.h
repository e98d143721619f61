#pragma once
// Another process's memory, read or written whole, as ptrace's read permission allows
// (process_vm_readv/writev: no stop, no /proc/PID/mem file kept open).
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace leakrank {

bool read_target_memory(pid_t pid, uint64_t address, void* out, size_t size);  // false unless all of it
bool write_target_memory(pid_t pid, uint64_t address, const void* data, size_t size);

}  // namespace leakrank
