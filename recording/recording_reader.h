#pragma once
// Persistence, read side: streams a recording block by block into a RecordSink.
// Memory stays bounded by one block, whatever the file size.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recording/record_format.h"
#include "recording/record_sink.h"
#include "recording/recording_writer.h"  // RecordingError

namespace leakrank {

struct ReadSummary {
  uint64_t records = 0;
  uint64_t blocks = 0;
  bool complete = false;  // an end record was read
  std::string warning;    // non-empty when the file stops early or a block is damaged
};

// Throws RecordingError with a one-line message when the file cannot be read at all
// (missing, not a recording, unsupported version, damaged first block). A damaged or
// truncated later block ends the stream with ReadSummary::warning set instead.
ReadSummary read_recording(const std::string& path, RecordSink& sink);

// Reads only the meta record (cheap: first block only).
RecordingMeta read_recording_meta(const std::string& path);

}  // namespace leakrank
