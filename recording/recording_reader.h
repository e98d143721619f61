#pragma once
// Persistence, read side: streams a recording block by block into a RecordSink.
// Memory stays bounded by one block, whatever the file size.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recording/block_records.h"
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
// The same past the first skip_blocks blocks, which are passed over undecoded (an analysis
// followed them as they were written); ReadSummary::blocks counts them, records does not.
ReadSummary read_recording(const std::string& path, RecordSink& sink, uint64_t skip_blocks);

// One block at a time, each decoded on its own (a block refers to no other): for an analysis
// that follows a recording still being written and fell behind the copies it was handed.
class RecordingBlocks {
 public:
  explicit RecordingBlocks(std::string path);  // opens the file on the first read
  ~RecordingBlocks();
  RecordingBlocks(const RecordingBlocks&) = delete;
  RecordingBlocks& operator=(const RecordingBlocks&) = delete;
  // Block `index` (0: the first) into out, asked for in increasing order and only once it is
  // in the file; throws RecordingError when it is damaged or missing.
  void read(uint64_t index, BlockRecords& out);

 private:
  struct Reading;
  std::string path_;
  std::unique_ptr<Reading> reading_;
};

// Reads only the meta record (cheap: first block only).
RecordingMeta read_recording_meta(const std::string& path);

}  // namespace leakrank
