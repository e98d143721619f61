#include "recorder/target_namespace.h"

#include <sys/stat.h>

#include <sstream>
#include <string>

#include "recorder/proc_status.h"

namespace leakrank {

pid_t pid_in_own_namespace(pid_t pid) {
  std::istringstream levels(status_field(pid, "NSpid"));
  pid_t innermost = pid;
  for (pid_t level; levels >> level;) innermost = level;  // outermost first
  return innermost;
}

// A namespace's identity is the inode of its /proc/PID/ns link.
bool shares_mount_namespace(pid_t pid) {
  struct stat ours {}, theirs {};
  if (stat("/proc/self/ns/mnt", &ours) != 0 || stat(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), &theirs) != 0)
    return true;  // unknown: behave as before namespaces were considered
  return ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

}  // namespace leakrank
