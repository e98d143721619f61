#include "recorder/perf_map_tail.h"

#include <fcntl.h>
#include <unistd.h>

#include "recorder/target_namespace.h"

namespace leakrank {
namespace {

int open_tmp_of(pid_t pid) {
  std::string tmp = shares_mount_namespace(pid) ? "/tmp" : "/proc/" + std::to_string(pid) + "/root/tmp";
  return open(tmp.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

}  // namespace

PerfMapTail::PerfMapTail(pid_t pid)
    : folder_(open_tmp_of(pid)), name_("perf-" + std::to_string(pid_in_own_namespace(pid)) + ".map") {}

PerfMapTail::~PerfMapTail() {
  if (folder_ >= 0) close(folder_);
}

std::string PerfMapTail::read_new_lines(size_t max_bytes) {
  int fd = folder_ < 0 ? -1 : openat(folder_, name_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string lines(max_bytes, '\0');
  ssize_t got = pread(fd, lines.data(), lines.size(), off_t(offset_));
  close(fd);
  size_t end = got > 0 ? lines.rfind('\n', size_t(got) - 1) : std::string::npos;
  if (end == std::string::npos) return {};  // a line still being written waits for the next read
  lines.resize(end + 1);
  offset_ += lines.size();
  return lines;
}

}  // namespace leakrank
