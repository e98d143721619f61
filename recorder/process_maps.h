#pragma once
// Another process's mappings, as /proc/PID/maps lists them: one reader for every question
// the recorder asks of them.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace leakrank {

struct MapsEntry {
  uint64_t start = 0, end = 0;
  std::string permissions;  // "r-xp": read, write, execute, then p(rivate) or s(hared)
  uint64_t offset = 0;
  std::string path;         // a file, "[heap]", "[anon:NAME]", or empty for anonymous memory

  bool is_anonymous() const { return path.empty() || path.rfind("[anon:", 0) == 0; }
};

// Empty when the process is gone or its maps cannot be read.
std::vector<MapsEntry> read_process_maps(pid_t pid);

// Its anonymous private PROT_NONE mappings: addresses reserved for the program to commit
// later (JVMs and V8 grow their heaps in them), as a PROT_NONE mmap hook would have seen them.
std::vector<MapsEntry> reserved_ranges(pid_t pid);

}  // namespace leakrank
