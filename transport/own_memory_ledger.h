#pragma once
// leakrank's own memory inside a recorded process: the stack caches of its threads (its own
// and libunwind's, 256 KiB each), the stack table, the Python code table. The library lists
// each such mapping in a ledger in its own memory and puts the ledger's address in the
// session; the recorder reads it with process_vm_readv and leaves those pages out of the RSS
// it samples, as it does the rings': a service with 400 threads would otherwise look 100 MiB
// larger than it is.
#include <cstddef>
#include <cstdint>

namespace leakrank {

struct OwnMemoryRange {
  uint64_t start = 0;   // 0: a free entry (written with atomic_ref by the library)
  uint64_t bytes = 0;
  uint64_t thread = 0;  // the thread whose exit frees it, or 0 for the process's
};

// Two entries per thread, and a few more: past that, mappings are not listed and count in
// the RSS as the program's.
constexpr size_t kOwnMemoryRanges = 1024;

struct OwnMemoryLedger {
  OwnMemoryRange ranges[kOwnMemoryRanges];
};

}  // namespace leakrank
