#pragma once
// How a process in a container differs from here: the pid it knows itself by (its own pid
// namespace numbers it) and whether it sees our files (its mount namespace).
#include <sys/types.h>

namespace leakrank {

// The pid the process sees for itself: the last NSpid field of /proc/PID/status; pid
// itself when the kernel has no NSpid line or the process is gone.
pid_t pid_in_own_namespace(pid_t pid);
// True when the process sees the same mount table as this one (its files are ours).
bool shares_mount_namespace(pid_t pid);

}  // namespace leakrank
