#pragma once
// The short summary `run` (and `attach`) print when recording ends.
#include <atomic>
#include <exception>
#include <optional>
#include <string>
#include <thread>

#include "analyzer/analysis.h"
#include "recorder/recorder.h"

namespace leakrank::cli {

// The analysis the summary shows. `run` starts it as soon as the recording exists: it
// follows the file as it is written, at the lowest priority, so it takes only CPU the
// target leaves idle, and once the target ends only the last part remains to be read.
class SummaryAnalysis {
 public:
  SummaryAnalysis() = default;
  SummaryAnalysis(const SummaryAnalysis&) = delete;
  SummaryAnalysis& operator=(const SummaryAnalysis&) = delete;
  ~SummaryAnalysis();  // a recording that failed ends here: the follower stops at its end

  void follow(const std::string& path);
  // Once the recording is complete: the analysis of path, made now if it was not followed.
  Analysis finish(const std::string& path);

 private:
  void stop_following();

  std::atomic<bool> writer_done_{false};
  std::string followed_path_;
  std::thread follower_;
  std::optional<Analysis> analysis_;
  std::exception_ptr error_;
};

void print_run_summary(const RunOutcome& outcome, SummaryAnalysis& analysis);

}  // namespace leakrank::cli
