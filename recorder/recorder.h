#pragma once
// The recorder behind `leakrank run`: launches the command, records it (and, if asked, every
// descendant into a recording of its own) until it exits, and reports what it wrote.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "recorder/process_recorder.h"

namespace leakrank {

enum class ThresholdAction { snapshot, stop };

struct RunOptions {
  std::vector<std::string> command;
  std::string output;                       // "" → leakrank.<prog>.<pid>.lrk in the current folder
  double interval_s = 0.1;                  // RSS sampling
  std::optional<double> snapshot_every_s;   // unset → adaptive
  bool include_children = false;
  uint64_t sample_bytes = 0;
  uint32_t max_depth = 64;
  std::optional<uint64_t> rss_threshold;
  ThresholdAction on_threshold = ThresholdAction::snapshot;
  // Given the path of the target's recording, the observer of each block written there (an
  // analysis that follows it), called on the writer's thread: see BlockObserver.
  std::function<BlockObserver(const std::string& path)> follow_target;
};

struct RecordedProcess {
  int32_t pid = 0;
  std::string path;
  ProcessStats stats;
  uint64_t file_bytes = 0;
};

struct RunOutcome {
  int exit_code = 0;       // the target's, or 128 + signal
  int wait_status = 0;
  double duration_s = 0;
  RecordedProcess target;
  std::vector<RecordedProcess> children;
  std::vector<std::string> notes;  // one line each: threshold crossed, snapshots marked, ...
};

// Throws std::runtime_error (one line) when recording cannot start or a recording cannot be written.
RunOutcome run_and_record(const RunOptions& options);

}  // namespace leakrank
