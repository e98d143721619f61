#pragma once
// Processes the target started that were not recorded (run without --include-children): a
// wrapper such as time, sudo or a shell script does its work in a child, and a report of the
// wrapper alone is empty. Each such process notes its pid once, when it forks or when a
// program it execs loads the library, so a fork followed by an exec counts once.
#include <atomic>
#include <cstdint>

namespace leakrank {

struct UnrecordedProcesses {
  static constexpr int kPids = 64;
  std::atomic<int32_t> pids[kPids];
  std::atomic<uint32_t> more;  // noted once the pids were full: each may count twice

  void note(int32_t pid) {
    for (std::atomic<int32_t>& slot : pids) {
      int32_t held = 0;
      if (slot.compare_exchange_strong(held, pid, std::memory_order_relaxed) || held == pid) return;
    }
    more.fetch_add(1, std::memory_order_relaxed);
  }

  uint32_t count() const {
    uint32_t noted = more.load(std::memory_order_relaxed);
    for (const std::atomic<int32_t>& slot : pids) noted += slot.load(std::memory_order_relaxed) != 0;
    return noted;
  }
};

}  // namespace leakrank
