#pragma once
// One clock for target and recorder: CLOCK_MONOTONIC goes through the vDSO (no syscall)
// and is monotonic across CPUs, which the ordering of events from different threads needs.
#include <cstdint>
#include <ctime>

namespace leakrank {

inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

}  // namespace leakrank
