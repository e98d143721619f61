#pragma once
// What a process is called, read from /proc: for recording metadata and file names.
#include <sys/types.h>

#include <string>
#include <vector>

namespace leakrank {

std::vector<std::string> command_line_of(pid_t pid);            // empty when it is gone
std::string program_name(const std::vector<std::string>& command);  // "process" when unknown

}  // namespace leakrank
