#include "recorder/file_text.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace leakrank {

std::string read_file_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string text;
  char chunk[4096];
  for (;;) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) text.clear();  // half a file is no answer
    if (got <= 0) break;
    text.append(chunk, size_t(got));
  }
  ::close(fd);
  return text;
}

}  // namespace leakrank
