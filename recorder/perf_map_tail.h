#pragma once
// The lines a process's JIT compilers append to its perf map (/tmp/perf-PID.map), read as
// they come: each read returns the whole lines added since the last one.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace leakrank {

class PerfMapTail {
 public:
  explicit PerfMapTail(pid_t pid);
  // Up to max_bytes of new whole lines ("" when there is no map or nothing new).
  std::string read_new_lines(size_t max_bytes);

 private:
  std::string path_;
  uint64_t offset_ = 0;
};

}  // namespace leakrank
