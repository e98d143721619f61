#include "recorder/process_identity.h"

#include <filesystem>

#include "recorder/file_text.h"

namespace leakrank {

std::vector<std::string> command_line_of(pid_t pid) {
  std::string raw = read_file_text("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    args.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

std::string program_name(const std::vector<std::string>& command) {
  std::string name = command.empty() ? "" : std::filesystem::path(command[0]).filename().string();
  return name.empty() ? "process" : name;
}

}  // namespace leakrank
