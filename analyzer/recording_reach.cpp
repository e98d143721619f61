#include "analyzer/recording_reach.h"

#include <fmt/core.h>

#include <string>

#include "recording/recording_writer.h"  // RecordingError

namespace leakrank {
namespace {

// Why the end of a recording is not in it: the reader's own warning when a block was cut or
// damaged, else the missing end record (the recorder was killed, or is still writing).
std::string missing_end(const Analysis& analysis) {
  if (!analysis.read_warning.empty()) return analysis.read_warning;
  return fmt::format("the recording has no end record after {:.1f} s (its recorder was stopped, or is still "
                     "writing it)", analysis.recorded_s);
}

}  // namespace

void require_recorded_until(const Analysis& analysis, const RecordingInstant& instant, std::string_view label) {
  if (instant.time_s && *instant.time_s > analysis.recorded_s) {
    if (analysis.read_warning.empty())
      throw RecordingError(fmt::format("{}: past the end of the recording, which is {:.2f} s long", label,
                                       analysis.recorded_s));
    throw RecordingError(fmt::format("{}: past the end of what can be read, {:.2f} s: {}", label,
                                     analysis.recorded_s, analysis.read_warning));
  }
  const bool at_end = !instant.time_s && !instant.snapshot;
  if (at_end && (!analysis.complete || !analysis.read_warning.empty())) {
    throw RecordingError(fmt::format("{}: {}, so its end state is unknown (name an earlier instant: {}@TIME)", label,
                                     missing_end(analysis), analysis.path));
  }
}

}  // namespace leakrank
