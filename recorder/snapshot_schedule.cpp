#include "recorder/snapshot_schedule.h"

namespace leakrank {

SnapshotSchedule::SnapshotSchedule(std::optional<double> fixed_period_s)
    : adaptive_(!fixed_period_s),
      period_ns_(uint64_t((fixed_period_s ? *fixed_period_s : 0.01) * 1e9)),
      next_ns_(period_ns_) {
  if (period_ns_ == 0) period_ns_ = next_ns_ = 1'000'000;
}

bool SnapshotSchedule::due(uint64_t elapsed_ns) {
  if (elapsed_ns < next_ns_) return false;
  if (adaptive_ && ++marks_at_period_ == 32) {
    period_ns_ *= 2;
    marks_at_period_ = 0;
  }
  while (next_ns_ <= elapsed_ns) next_ns_ += period_ns_;
  return true;
}

}  // namespace leakrank
