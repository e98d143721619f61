#include "recorder/process_identity.h"

#include <algorithm>
#include <filesystem>

#include "recorder/file_text.h"

namespace leakrank {

std::vector<std::string> command_line_from(std::string_view cmdline) {
  std::vector<std::string> args;
  for (size_t start = 0; start < cmdline.size();) {
    size_t end = std::min(cmdline.find('\0', start), cmdline.size());
    args.emplace_back(cmdline.substr(start, end - start));
    start = end + 1;
  }
  while (!args.empty() && args.back().empty()) args.pop_back();
  return args;
}

std::vector<std::string> command_line_of(pid_t pid) {
  return command_line_from(read_file_text("/proc/" + std::to_string(pid) + "/cmdline"));
}

std::string executable_of(pid_t pid) {
  std::error_code error;
  std::filesystem::path target = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
  return error ? std::string() : target.string();
}

std::string program_name(const std::vector<std::string>& command) {
  std::string name = command.empty() ? "" : std::filesystem::path(command[0]).filename().string();
  return name.empty() ? "process" : name;
}

}  // namespace leakrank
