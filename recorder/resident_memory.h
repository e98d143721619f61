#pragma once
// How much memory a recorded process holds in RAM: the RSS leakrank samples, reports and
// compares with --rss-threshold.
#include <sys/types.h>

#include <cstdint>

namespace leakrank {

// The resident set of pid (/proc/PID/statm) less the pages of leakrank's session segments
// it has mapped (its rings, up to 4 MiB per thread, would make a 2 MB program look ten
// times larger) and, given the address of its library's ledger, the library's own memory
// (stack caches, tables: transport/own_memory_ledger.h). Shared memory of its own stays
// counted. 0 when it is gone.
uint64_t own_resident_bytes(pid_t pid, uint64_t ledger_address = 0);

// The same, and how much of it maps files or shared memory (statm's third field, less the
// session's pages): the rest is anonymous memory, where a heap and its mappings live.
struct ResidentMemory {
  uint64_t bytes = 0;
  uint64_t file_bytes = 0;
};
ResidentMemory own_resident_memory(pid_t pid, uint64_t ledger_address = 0);

}  // namespace leakrank
