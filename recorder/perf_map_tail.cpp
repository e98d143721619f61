#include "recorder/perf_map_tail.h"

#include <fcntl.h>
#include <unistd.h>

namespace leakrank {

PerfMapTail::PerfMapTail(pid_t pid) : path_("/tmp/perf-" + std::to_string(pid) + ".map") {}

std::string PerfMapTail::read_new_lines(size_t max_bytes) {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
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
