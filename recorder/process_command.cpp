#include "recorder/process_command.h"

#include <utility>

#include "recorder/process_identity.h"

namespace leakrank {

ProcessCommand::ProcessCommand(pid_t pid, std::vector<std::string> command)
    : pid_(pid), command_(std::move(command)), read_for_image_(!command_.empty()) {}

// Another executable than the last module map's means an exec: the command read so far
// names the image before it. (An exec of the same executable is caught by the reading.)
// A process that exec'd again before its new image's module map was read runs another
// executable already: that image, never read, is named by its executable.
bool ProcessCommand::on_module_map(const std::string& executable) {
  if (!executable_.empty() && executable != executable_) read_for_image_ = false;
  executable_ = executable;
  if (!runs_latest_executable()) return settle();
  return refresh();
}

// A process that is gone has no command line any more: what was read last stays. One that
// exec'd since the last module map shows its next image's command line, which the exec's
// module map will bring: it waits for that.
bool ProcessCommand::refresh() {
  if (!runs_latest_executable()) return false;
  std::vector<std::string> now = command_line_of(pid_);
  if (now.empty()) return false;
  read_for_image_ = true;
  if (now == command_) return false;
  command_ = std::move(now);
  return true;
}

// False only when the process provably runs another executable than the latest module map's.
bool ProcessCommand::runs_latest_executable() const {
  if (executable_.empty()) return true;
  std::string running = executable_of(pid_);
  return running.empty() || running == executable_;
}

// A short-lived process can end before the recorder looks at it: its library still said
// which executable it ran, a better name than none or its parent's.
bool ProcessCommand::settle() {
  if (read_for_image_ || executable_.empty()) return false;
  command_ = {executable_};
  read_for_image_ = true;
  return true;
}

}  // namespace leakrank
