#pragma once
// The command a recorded process runs, kept right while it runs: a descendant is adopted as
// soon as its library connects, often between its fork and its exec, and a worker may
// retitle itself after its fork. /proc/PID/cmdline is read again whenever a library
// connects (after each fork and exec) and at every RSS sample.
#include <sys/types.h>

#include <string>
#include <vector>

namespace leakrank {

class ProcessCommand {
 public:
  // command: as given or read when the recording began; empty when the process was gone.
  ProcessCommand(pid_t pid, std::vector<std::string> command);

  // Each returns true when the command changed, for the recording to say so.
  bool on_module_map(const std::string& executable);  // its library connected or (un)loaded a module
  bool refresh();                                     // reads /proc/PID/cmdline again
  bool settle();  // at the end: names by its executable an image whose command was never read

  const std::vector<std::string>& command() const { return command_; }

 private:
  bool runs_latest_executable() const;
  pid_t pid_;
  std::vector<std::string> command_;
  std::string executable_;  // of the image that runs, from the latest module map
  bool read_for_image_;     // command_ was read while that image ran
};

}  // namespace leakrank
