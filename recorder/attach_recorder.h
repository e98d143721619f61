#pragma once
// The recorder behind `leakrank attach`: loads libleakrank.so into a running process, records
// it until the duration ends, Ctrl-C or SIGTERM, then unhooks it and leaves it running.
#include <sys/types.h>

#include <optional>
#include <string>

#include "recorder/recorder.h"

namespace leakrank {

struct AttachOptions {
  pid_t pid = 0;
  std::optional<double> duration_s;  // unset: until Ctrl-C or SIGTERM
  std::string output;                // "" → leakrank.<prog>.<pid>.lrk in the current folder
  double interval_s = 0.1;           // RSS sampling
  uint64_t sample_bytes = 0;         // 0: every allocation; else one sample per this many bytes
  uint32_t max_depth = 64;
};

// Throws std::runtime_error (one line) when it cannot attach: no such process, not permitted,
// no glibc, already recorded, exited meanwhile. exit_code in the outcome is 0 once detached,
// kExitTargetGone when the target exited during the recording (which is kept).
RunOutcome attach_and_record(const AttachOptions& options);

constexpr int kExitTargetGone = 2;

}  // namespace leakrank
