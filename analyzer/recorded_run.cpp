#include "analyzer/recorded_run.h"

#include <fmt/core.h>

#include <filesystem>

#include "recording/recording_writer.h"  // RecordingError

namespace leakrank {
namespace {

std::string child_path(const std::string& recorded, const std::string& parent) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(recorded, error) || fs::path(recorded).is_absolute()) return recorded;
  return (fs::path(parent).parent_path() / fs::path(recorded).filename()).string();
}

}  // namespace

RecordedRun analyze_run(const std::string& path, const AnalysisOptions& options) {
  RecordedRun run{analyze_recording(path, options), {}};
  for (const ChildRecordingRef& child : run.process.children) {
    try {
      run.children.push_back(analyze_recording(child_path(child.path, path), options));
    } catch (const RecordingError& e) {
      run.process.warnings.push_back(fmt::format("child pid {}: {}", child.pid, e.what()));
    }
  }
  return run;
}

}  // namespace leakrank
