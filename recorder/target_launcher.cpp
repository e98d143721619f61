#include "recorder/target_launcher.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "recorder/installed_library.h"

namespace leakrank {

std::string find_preload_library() {
  if (const char* explicit_path = getenv("LEAKRANK_PRELOAD"); explicit_path && *explicit_path) {
    if (access(explicit_path, R_OK) == 0) return explicit_path;
    throw std::runtime_error(std::string("LEAKRANK_PRELOAD names ") + explicit_path + ", which cannot be read");
  }
  if (std::optional<std::string> path = find_installed_library("libleakrank.so")) return *path;
  throw std::runtime_error("libleakrank.so not found next to the leakrank binary (set LEAKRANK_PRELOAD)");
}

pid_t launch_target(const std::vector<std::string>& command, SessionHeader* session, const char* session_name,
                    const std::string& preload_library) {
  // Everything the child needs is prepared before fork: no allocation after it.
  std::string preload = preload_library;
  if (const char* existing = getenv("LD_PRELOAD"); existing && *existing) preload += std::string(":") + existing;
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid != 0) return pid;  // parent, or -1 with errno
  session->target_pid.store(int32_t(getpid()));
  setenv("LD_PRELOAD", preload.c_str(), 1);
  setenv(kSessionEnv, session_name, 1);
  execvp(argv[0], argv.data());
  int error = errno;
  dprintf(STDERR_FILENO, "leakrank: cannot run %s: %s\n", argv[0], strerror(error));
  _exit(error == ENOENT ? 127 : 126);
}

}  // namespace leakrank
