#include "recorder/session_janitor.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "recorder/session_folder.h"
#include "transport/shared_session.h"

namespace leakrank {
namespace {

// A descendant's session names its root session in its header.
void unlink_descendants_of(const char* root_name) {
  for_each_session([&](const char* name, const SessionHeader& session) {
    if (strncmp(session.root_session_name, root_name, kSessionNameSize) == 0) unlink_session(name);
  });
}

// Holds no descriptor of the recorder's but the pipe: nothing waits on it, nothing it keeps open.
[[noreturn]] void clean_up_after_recorder(int recorder_end, const char* session_name) {
  int null = open("/dev/null", O_RDWR);
  dup2(recorder_end, STDIN_FILENO);
  dup2(null, STDOUT_FILENO);
  dup2(null, STDERR_FILENO);
  close_range(3, UINT_MAX, 0);
  char byte;
  while (read(STDIN_FILENO, &byte, 1) < 0 && errno == EINTR) {
  }
  // A recorder that ended normally removed its names itself, but a killed one leaves them,
  // and a descendant that registered after the recorder's last look is known to nobody:
  // only a scan of /dev/shm finds those.
  unlink_session(session_name);
  unlink_descendants_of(session_name);
  _exit(0);
}

}  // namespace

void start_session_janitor(const char* session_name) {
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) return;  // best effort: only a killed recorder needs it
  pid_t middle = fork();
  if (middle == 0) {
    // Its own session, so the terminal's Ctrl-C does not reach it; a second fork so that it is
    // nobody's child here (the recorder waits for its target alone).
    setsid();
    if (fork() == 0) clean_up_after_recorder(pipe_ends[0], session_name);
    _exit(0);
  }
  close(pipe_ends[0]);
  if (middle > 0) waitpid(middle, nullptr, 0);
  // pipe_ends[1] stays open, close-on-exec, for as long as this process lives.
}

SessionHeader* create_session_with_janitor(const SessionConfig& config, char (&name_out)[kSessionNameSize]) {
  random_session_name(name_out);
  start_session_janitor(name_out);
  return create_named_session(config, name_out);
}

}  // namespace leakrank
