#include "recorder/process_maps.h"

#include <fstream>
#include <sstream>

namespace leakrank {

std::vector<MapsEntry> read_process_maps(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::vector<MapsEntry> entries;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, device, inode;
    MapsEntry entry;
    if (!(fields >> range >> entry.permissions >> std::hex >> entry.offset >> device >> inode)) continue;
    std::getline(fields >> std::ws, entry.path);  // none: anonymous
    size_t dash = range.find('-');
    if (dash == std::string::npos) continue;
    try {
      entry.start = std::stoull(range.substr(0, dash), nullptr, 16);
      entry.end = std::stoull(range.substr(dash + 1), nullptr, 16);
    } catch (const std::exception&) {
      continue;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<MapsEntry> reserved_ranges(pid_t pid) {
  std::vector<MapsEntry> reserved;
  for (MapsEntry& entry : read_process_maps(pid))
    if (entry.permissions == "---p" && entry.is_anonymous()) reserved.push_back(std::move(entry));
  return reserved;
}

}  // namespace leakrank
