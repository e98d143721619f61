#pragma once
// Persistence, write side: encodes records into the blocks of a recording file.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "recording/block_file.h"
#include "recording/byte_buffer.h"
#include "recording/live_blocks.h"
#include "recording/record_format.h"
#include "recording/record_kinds.h"

namespace leakrank {

// Thrown for I/O failures (disk full, folder not writable); what() is a one-line message.
struct RecordingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RecordingWriter {
 public:
  // Creates the file 0600. The observer sees each block's records as it is written (see BlockFile).
  RecordingWriter(const std::string& path, const RecordingMeta& meta, BlockObserver observer = {});
  ~RecordingWriter();                                                   // flushes; never throws
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;

  // Any kind of record_kinds.h but the meta, which the constructor writes.
  template <class Kind>
  void write(const Kind& record);
  // The writer keeps the live blocks by address, so that a free record can name its block
  // without the address (see record_format.h).
  void alloc(uint64_t time_ns, uint64_t address, uint64_t size, uint32_t stack_id);
  void free(uint64_t time_ns, uint64_t address);
  // Optional hints, a few calls before alloc() or free() of address. They pay only once the
  // live blocks outgrow the caches, which wants_prefetch() tells.
  bool wants_prefetch() const { return live_blocks_.table_size() > kBlocksInCache; }
  void prefetch_alloc(uint64_t address) const { live_blocks_.prefetch_add(address); }
  void prefetch_free(uint64_t address) const { live_blocks_.prefetch_remove(address); }

  void flush();  // compresses and writes the pending block, if any, and waits until it is in the file
  const std::string& path() const { return path_; }
  uint64_t file_bytes() const { return file_.bytes(); }
  uint64_t records() const { return records_; }

 private:
  struct Encoder;
  template <class Kind>
  void put_record(const Kind& record);
  void begin_record(RecordTag tag);
  void begin_timed_record(RecordTag tag, uint64_t time_ns);
  void begin_timed_record(uint8_t tag, uint64_t time_ns);  // a RecordTag or a free_young tag
  void put_tag(uint8_t tag);
  void put_free(uint64_t time_ns, const LiveBlocks::Block& block);
  void put_varint(uint64_t v);
  void put_zigzag(int64_t v);
  void put_string(std::string_view s);
  void make_room(size_t bytes);
  void maybe_flush();
  bool observed() const { return file_.observed(); }
  void hand_over_block();

  static constexpr size_t kBlocksInCache = size_t(1) << 16;  // 16-byte slots: ~1.7 MiB at 60% load

  std::string path_;
  BlockFile file_;
  ByteBuffer raw_;  // the pending block: its first raw_size_ bytes
  size_t raw_size_ = 0;
  uint64_t last_time_ = 0;
  LiveBlocks live_blocks_;
  uint64_t allocations_ = 0;             // alloc records written: the next one's ordinal
  uint64_t block_first_allocation_ = 0;  // the ordinal of the pending block's first alloc record
  bool last_was_alloc_ = false;          // in the pending block: a free right after is temporary
  BlockRecords block_records_;           // kept only while someone observes the blocks
  uint64_t records_ = 0;
};

}  // namespace leakrank
