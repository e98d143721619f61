#pragma once
// What /proc says of a process: a field of /proc/PID/status and the threads in /proc/PID/task,
// read one way for every part of the recorder (read_file_text: a process that exits while
// it is read gives an empty answer, not an exception).
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace leakrank {

// The value of "Field:" without the blanks after the colon; "" when absent or gone.
std::string status_field(pid_t pid, std::string_view field);

std::vector<pid_t> thread_ids(pid_t pid);  // empty when it is gone

}  // namespace leakrank
