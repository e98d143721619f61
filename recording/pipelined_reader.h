#pragma once
// Reads a recording on two cores: a second thread decompresses and decodes blocks into
// batches of plain records while the calling thread runs the sink over them.
#include <string>
#include <type_traits>

#include "recording/recording_reader.h"

namespace leakrank {

// Behaves exactly as read_recording: the sink sees the same records in the same order
// and on the calling thread, the summary is the same, and a RecordingError (or any other
// exception) the reading raises reaches the caller after the records read before it.
ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink);

// The same, and `ahead` also sees every module map and stack record, on the decoding thread
// and before the sink sees it: slow per-stack work (symbolization) done there overlaps the
// sink's work instead of stalling it. skip_blocks as in read_recording.
ReadSummary read_recording_pipelined(const std::string& path, RecordSink& sink, RecordSink& ahead,
                                     uint64_t skip_blocks = 0);

// The kinds of record that `ahead` sees.
template <class Kind>
constexpr bool kGoesAhead = std::is_same_v<Kind, ModuleMapRecord> || std::is_same_v<Kind, StackRecord> ||
                            std::is_same_v<Kind, PythonCodeRecord> || std::is_same_v<Kind, PerfMapRecord>;

}  // namespace leakrank
