#pragma once
// The lines a process's JIT compilers append to its perf map (/tmp/perf-PID.map), read as
// they come: each read returns the whole lines added since the last one. A process in a
// container writes it to the /tmp it sees, named by the pid it knows itself by; it is found
// there as perf finds it, through /proc/PID/root.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace leakrank {

class PerfMapTail {
 public:
  explicit PerfMapTail(pid_t pid);
  ~PerfMapTail();
  PerfMapTail(const PerfMapTail&) = delete;
  PerfMapTail& operator=(const PerfMapTail&) = delete;
  // Up to max_bytes of new whole lines ("" when there is no map or nothing new).
  std::string read_new_lines(size_t max_bytes);

 private:
  int folder_;  // the process's /tmp, held open: a container's stays readable after it exits
  std::string name_;
  uint64_t offset_ = 0;
};

}  // namespace leakrank
