#include "cli/command_search.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace leakrank::cli {
namespace {

// glibc's execvp searches this when PATH is not set.
constexpr std::string_view kDefaultPath = "/bin:/usr/bin";

int file_error(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return errno;
  if (!S_ISREG(st.st_mode)) return EACCES;  // what execve says of a folder or a device
  return access(path.c_str(), X_OK) == 0 ? 0 : errno;
}

}  // namespace

// As execvp: a name with a '/' is taken as it is; else each folder of PATH is tried in turn
// (an empty entry is the current folder), and a file found but not executable is remembered
// while the search goes on.
int command_error(const std::string& program) {
  if (program.empty()) return ENOENT;
  if (program.find('/') != std::string::npos) return file_error(program);
  const char* path = std::getenv("PATH");
  std::string_view folders = path != nullptr ? std::string_view(path) : kDefaultPath;
  int error = ENOENT;
  while (true) {
    size_t colon = folders.find(':');
    std::string_view folder = folders.substr(0, colon);
    int found = file_error(std::string(folder.empty() ? "." : folder) + "/" + program);
    if (found == 0) return 0;
    if (found == EACCES) error = EACCES;
    if (colon == std::string_view::npos) return error;
    folders.remove_prefix(colon + 1);
  }
}

int exit_code_for_command_error(int error) { return error == ENOENT ? 127 : 126; }

}  // namespace leakrank::cli
