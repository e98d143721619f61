#include "recorder/proc_status.h"

#include <cstdlib>
#include <filesystem>

#include "recorder/file_text.h"

namespace leakrank {

std::string status_field(pid_t pid, std::string_view field) {
  std::string status = '\n' + read_file_text("/proc/" + std::to_string(pid) + "/status");
  std::string key = '\n' + (std::string(field) += ':');
  size_t at = status.find(key);
  if (at == std::string::npos) return "";
  at = status.find_first_not_of(" \t", at + key.size());
  return at == std::string::npos ? "" : status.substr(at, status.find('\n', at) - at);
}

std::vector<pid_t> thread_ids(pid_t pid) {
  std::vector<pid_t> tids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error))
    tids.push_back(pid_t(std::strtol(entry.path().filename().c_str(), nullptr, 10)));
  return tids;
}

}  // namespace leakrank
