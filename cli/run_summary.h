#pragma once
// The short summary `run` (and `attach`) print when recording ends.
#include <optional>
#include <string>

#include "analyzer/analysis.h"
#include "cli/analysis_options.h"
#include "recording/block_follower.h"
#include "recording/recording_reader.h"
#include "recorder/recorder.h"

namespace leakrank::cli {

// The analysis the summary shows. `run` makes it while the target runs, from each block of
// the recording as it is written, so once the target ends only the ranking remains; if it
// cannot keep up, it reads the file once the recording is complete instead.
class SummaryAnalysis {
 public:
  explicit SummaryAnalysis(const WrapperArguments& wrappers);

  // The observer for the target's recording at path (RunOptions::follow_target).
  BlockObserver follow(const std::string& path);
  // Once the recording is complete: the analysis of path, made now if it was not followed.
  Analysis finish(const std::string& path);

 private:
  AnalysisOptions options_;
  std::optional<FollowingAnalysis> following_;
  std::optional<RecordingBlocks> file_blocks_;  // read back for follower_ when it falls behind
  std::optional<BlockFollower> follower_;  // shows following_ the blocks, off the writer's thread
};

void print_run_summary(const RunOutcome& outcome, SummaryAnalysis& analysis);

}  // namespace leakrank::cli
