#pragma once
// A recording together with the recordings of its descendants (run --include-children):
// what plot draws as one series per process and report shows as one section per process.
#include <string>
#include <vector>

#include "analyzer/analysis.h"

namespace leakrank {

struct RecordedRun {
  Analysis process;
  std::vector<Analysis> children;  // in the order Analysis::children lists them
};

// Analyses a recording and every child recording it lists. A child path that does not exist as
// written is looked for next to the parent recording (it was written relative to the recorder's
// folder). Unreadable children become warnings of the parent; the parent must be readable
// (throws RecordingError otherwise). --since and --until are instants of the parent's time.
RecordedRun analyze_run(const std::string& path, const AnalysisOptions& options = {});

// When a child began on its parent's time axis, in seconds: each recording's time starts
// with its own process (recordings before format v4 started their children's with the run: 0).
double start_in_parent_s(const RecordingMeta& parent, const RecordingMeta& child);

}  // namespace leakrank
