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
// (throws RecordingError otherwise).
RecordedRun analyze_run(const std::string& path, const AnalysisOptions& options = {});

}  // namespace leakrank
