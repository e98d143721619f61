#include "analyzer/recorded_run.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "recording/recording_reader.h"

namespace leakrank {
namespace {

std::string child_path(const std::string& recorded, const std::string& parent) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(recorded, error) || fs::path(recorded).is_absolute()) return recorded;
  return (fs::path(parent).parent_path() / fs::path(recorded).filename()).string();
}

// The parent's instants come earlier on the child's own time axis, by when it started.
AnalysisOptions options_for_child(const AnalysisOptions& options, const RecordingMeta& parent, const std::string& child) {
  if (!options.since_s && !options.until_s) return options;
  double started_s = start_in_parent_s(parent, read_recording_meta(child));
  AnalysisOptions shifted = options;
  if (options.since_s) shifted.since_s = std::max(0.0, *options.since_s - started_s);
  if (options.until_s) shifted.until_s = std::max(0.0, *options.until_s - started_s);
  return shifted;
}

}  // namespace

double start_in_parent_s(const RecordingMeta& parent, const RecordingMeta& child) {
  return double(child.start_unix_ns - parent.start_unix_ns) / 1e9;
}

RecordedRun analyze_run(const std::string& path, const AnalysisOptions& options) {
  RecordedRun run{analyze_recording(path, options), {}};
  for (const ChildRecordingRef& child : run.process.children) {
    try {
      std::string found = child_path(child.path, path);
      run.children.push_back(analyze_recording(found, options_for_child(options, run.process.meta, found)));
    } catch (const RecordingError& e) {
      run.process.warnings.push_back(fmt::format("child pid {}: {}", child.pid, e.what()));
    }
  }
  return run;
}

}  // namespace leakrank
