#pragma once
// The files of a process in another mount namespace (a container), as this process opens
// them: the analyzer symbolizes from the module paths a recording stores, and a path
// inside a container may not exist on the host, or be another file there.
#include <sys/types.h>

#include <string>

namespace leakrank {

// path itself when both see the same file there (system libraries a container shares);
// else the file through the process's root, /proc/PID/root/PATH, which stays valid while
// the process lives; else path, unchanged.
std::string module_file_from_here(pid_t pid, const std::string& path);

}  // namespace leakrank
