#pragma once
// What a process is called, read from /proc: for recording metadata and file names.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace leakrank {

// The arguments in the text of /proc/PID/cmdline, NUL-separated. The empty ones at the end
// are dropped: a process that retitles itself as nginx does zeroes the rest of its
// arguments' memory after the title, which reads as dozens of empty arguments. (A real
// empty last argument goes too: the command is a label, not a way to run it again.)
std::vector<std::string> command_line_from(std::string_view cmdline);

std::vector<std::string> command_line_of(pid_t pid);            // empty when it is gone
std::string executable_of(pid_t pid);                          // /proc/PID/exe; empty when unreadable
std::string program_name(const std::vector<std::string>& command);  // "process" when unknown

}  // namespace leakrank
