#pragma once
// A file that lives only in the target's memory: the target creates it (memfd_create,
// called through ptrace) and this process fills it through /proc/PID/fd/N. It reaches a
// process in a container without touching the container's filesystem, and works whatever
// its /dev/shm is (private, noexec, or absent).
#include <sys/types.h>

#include <string>

namespace leakrank {

class PtraceInjector;

struct TargetMemfd {
  int target_fd = -1;  // the descriptor's number in the target
  int local_fd = -1;   // the same file, opened read-write here
};

// Creates the file, named name (as /proc/PID/maps shows it, after "/memfd:"), with flags
// (MFD_*); a flag the kernel does not know is dropped from fallback_flags' try. Throws
// std::runtime_error when the target could not make it.
TargetMemfd create_target_memfd(PtraceInjector& injector, pid_t pid, const std::string& name, unsigned flags,
                                unsigned fallback_flags);
// Closes the target's descriptor (the file lives on while mapped) and ours.
void close_target_memfd(PtraceInjector& injector, pid_t pid, TargetMemfd& memfd);
// How /proc/PID/maps names a mapping of the file.
std::string memfd_mapping_name(const std::string& name);

}  // namespace leakrank
