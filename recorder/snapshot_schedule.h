#pragma once
// When the recorder marks snapshot points. With a fixed period, every period; by default
// adaptively: every 10 ms at first, the period doubling after each 32 marks, so a run of any
// length gets a few dozen marks per doubling of its length and the analyzer thins them evenly.
#include <cstdint>
#include <optional>

namespace leakrank {

class SnapshotSchedule {
 public:
  explicit SnapshotSchedule(std::optional<double> fixed_period_s);
  bool due(uint64_t elapsed_ns);  // true once per mark; advances the schedule

 private:
  bool adaptive_;
  uint64_t period_ns_;
  uint64_t next_ns_;
  uint32_t marks_at_period_ = 0;
};

}  // namespace leakrank
