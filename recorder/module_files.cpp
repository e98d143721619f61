#include "recorder/module_files.h"

#include <unistd.h>

#include "recorder/file_identity.h"
#include "recorder/remote_symbols.h"

namespace leakrank {

std::string module_file_from_here(pid_t pid, const std::string& path) {
  if (path.empty() || path[0] != '/') return path;  // [vdso] and the like: no file
  std::string through_root = path_in_target_root(pid, path);
  if (same_file(through_root, path)) return path;
  return access(through_root.c_str(), R_OK) == 0 ? through_root : path;
}

}  // namespace leakrank
