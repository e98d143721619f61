#include "recorder/process_command.h"

#include <utility>

#include "recorder/process_identity.h"

namespace leakrank {

ProcessCommand::ProcessCommand(pid_t pid, std::vector<std::string> command)
    : pid_(pid), command_(std::move(command)), read_for_image_(!command_.empty()) {}

// Another executable than the last module map's means an exec: the command read so far
// names the image before it. (An exec of the same executable is caught by the reading.)
bool ProcessCommand::on_module_map(const std::string& executable) {
  if (!executable_.empty() && executable != executable_) read_for_image_ = false;
  executable_ = executable;
  return refresh();
}

// A process that is gone has no command line any more: what was read last stays.
bool ProcessCommand::refresh() {
  std::vector<std::string> now = command_line_of(pid_);
  if (now.empty()) return false;
  read_for_image_ = true;
  if (now == command_) return false;
  command_ = std::move(now);
  return true;
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
