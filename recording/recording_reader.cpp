#include "recording/recording_reader.h"

#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <type_traits>

#include "recording/byte_buffer.h"
#include "recording/varint.h"

namespace leakrank {
namespace {

constexpr size_t kMinModuleBytes = 5;  // two empty strings and three one-byte varints

// Thrown while decoding when a block's bytes do not parse; becomes a warning or an error.
struct DamagedBlock {
  const char* reason;
};

// Every read is checked against the end of the block: the bytes may be damaged or hostile.
class BlockCursor {
 public:
  explicit BlockCursor(std::span<const uint8_t> bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return size_t(end_ - p_); }

  uint8_t byte() {
    if (p_ == end_) throw DamagedBlock{"record cut short"};
    return *p_++;
  }
  uint64_t varint() {
    uint64_t value;
    p_ = decode_varint(p_, end_, value);
    if (!p_) throw DamagedBlock{"bad varint"};
    return value;
  }
  int64_t zigzag() { return zigzag_decode(varint()); }
  uint32_t u32() {
    uint64_t value = varint();
    if (value > std::numeric_limits<uint32_t>::max()) throw DamagedBlock{"value out of range"};
    return uint32_t(value);
  }
  int32_t i32() {
    int64_t value = zigzag();
    if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
      throw DamagedBlock{"value out of range"};
    }
    return int32_t(value);
  }
  int32_t pid() { return int32_t(u32()); }  // written as its 32 bits
  // A count of items that each take at least min_bytes: larger than the rest of the block is damage.
  size_t count(size_t min_bytes) {
    uint64_t n = varint();
    if (n > remaining() / min_bytes) throw DamagedBlock{"count past block end"};
    return size_t(n);
  }
  std::string_view string() {
    size_t size = count(1);
    std::string_view s(reinterpret_cast<const char*>(p_), size);
    p_ += size;
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// The field coders of record_kinds.h, reading from a block.
struct Decoder {
  BlockCursor& c;
  void varint(uint64_t& v) { v = c.varint(); }
  void zigzag(int64_t& v) { v = c.zigzag(); }
  void u32(uint32_t& v) { v = c.u32(); }
  void i32(int32_t& v) { v = c.i32(); }
  void pid(int32_t& v) { v = c.pid(); }
  void flag(uint8_t& v) {
    uint64_t value = c.varint();
    if (value > 1) throw DamagedBlock{"value out of range"};
    v = uint8_t(value);
  }
  void string(std::string& s) { s = c.string(); }
  void strings(std::vector<std::string>& list) {
    list.resize(c.count(1));
    for (std::string& s : list) string(s);
  }
  void frames(std::vector<uint64_t>& ips) {
    size_t depth = c.count(1);
    if (depth > kMaxStackDepth) throw DamagedBlock{"stack too deep"};
    ips.resize(depth);
    uint64_t ip = 0;
    for (uint64_t& frame : ips) frame = ip += uint64_t(c.zigzag());
  }
  void modules(std::vector<ModuleInfo>& list) {
    list.resize(c.count(kMinModuleBytes));
    for (ModuleInfo& m : list) ModuleInfo::fields(m, *this);
  }
};

template <class Kind>
void decode_fields(Kind& record, BlockCursor& c) {
  Decoder decoder{c};
  Kind::fields(record, decoder);
}

// Turns blocks into sink calls, allocations and frees in runs. Reuses its buffers so the
// per-record path never allocates.
class RecordDecoder {
 public:
  // A decoder that starts past the first block does not look for the meta record.
  explicit RecordDecoder(RecordSink& sink, bool from_first_block = true)
      : sink_(sink), expect_meta_(from_first_block) {
    heap_run_.reserve(kHeapRunRecords);
  }

  void decode_block(std::span<const uint8_t> block) {
    BlockCursor c(block);
    last_time_ = 0;  // delta state restarts with every block
    allocations_ = 0;
    last_was_alloc_ = false;
    try {
      while (!c.at_end()) {
        decode_record(c);
        ++records_;
      }
    } catch (...) {
      flush_heap_run();  // the records before the damage still count
      throw;
    }
    flush_heap_run();
  }

  uint64_t records() const { return records_; }
  uint64_t elapsed_ns() const { return last_time_seen_; }
  bool saw_end() const { return saw_end_; }

 private:
  static constexpr size_t kHeapRunRecords = 1024;

  void decode_record(BlockCursor& c) {
    uint8_t byte = c.byte();
    bool same_time = byte & kSameTime;
    uint8_t tag = byte & ~kSameTime;
    // Allocations and frees are nearly all records: they skip the switch's indirect jump.
    if (is_heap_record(tag) && !expect_meta_) [[likely]] return decode_heap_record(tag, same_time, c);
    if (expect_meta_ != (byte == uint8_t(RecordTag::meta))) throw DamagedBlock{"meta record missing or misplaced"};
    expect_meta_ = false;
    flush_heap_run();  // what came before goes first
    switch (RecordTag(tag)) {
#define LEAKRANK_DECODE_KIND(Kind) \
  case Kind::tag: return decode<Kind>(same_time, c);
      LEAKRANK_RECORD_KINDS(LEAKRANK_DECODE_KIND)
#undef LEAKRANK_DECODE_KIND
      default: break;
    }
    throw DamagedBlock{"unknown record"};
  }

  // Into the kind's own instance, whose buffers are reused from one record to the next.
  template <class Kind>
  void decode(bool same_time, BlockCursor& c) {
    Kind& record = std::get<Kind>(scratch_);
    if constexpr (TimedRecord<Kind>) record.time_ns = next_time(same_time, c);
    else if (same_time) throw DamagedBlock{"unknown record"};
    decode_fields(record, c);
    if constexpr (std::is_same_v<Kind, UnmatchedFreeRecord>) last_was_alloc_ = false;
    if constexpr (std::is_same_v<Kind, EndRecord>) saw_end_ = true;
    sink_.on(record);
  }

  static bool is_heap_record(uint8_t tag) {
    return tag == uint8_t(RecordTag::alloc) || tag == uint8_t(RecordTag::free) ||
           tag == uint8_t(RecordTag::free_recent) || is_young_free(tag);
  }
  void decode_heap_record(uint8_t tag, bool same_time, BlockCursor& c) {
    HeapRecord record{};  // whole before it joins the run: a damaged field throws first
    record.time_ns = next_time(same_time, c);
    bool alloc = tag == uint8_t(RecordTag::alloc);
    if (alloc || tag == uint8_t(RecordTag::free)) {
      record.size = c.varint();
      record.stack_id = c.u32();
      record.event = alloc ? HeapEvent::alloc : HeapEvent::free;
    } else {
      uint64_t age = is_young_free(tag) ? young_free_age(tag) : c.varint();
      if (age == 0 || age > std::min<uint64_t>(allocations_, kRecentAllocations)) {
        throw DamagedBlock{"free of an allocation not in the block"};
      }
      const Allocation& allocation = recent_[(allocations_ - age) % kRecentAllocations];
      record.size = allocation.size;
      record.stack_id = allocation.stack_id;
      record.event = free_named_by_age(age, last_was_alloc_);
    }
    last_was_alloc_ = alloc;
    if (alloc) recent_[allocations_++ % kRecentAllocations] = {record.size, record.stack_id};
    heap_run_.push_back(record);
    if (heap_run_.size() == kHeapRunRecords) flush_heap_run();
  }

  void flush_heap_run() {
    if (heap_run_.empty()) return;
    sink_.on_heap_records(heap_run_);
    heap_run_.clear();
  }

  // Wrapping sums mirror the writer's wrapping differences.
  uint64_t next_time(bool same_time, BlockCursor& c) {
    if (!same_time) last_time_ += c.varint();
    last_time_seen_ = last_time_;
    return last_time_;
  }

  // The block's latest allocations, which free_recent records name by age.
  struct Allocation {
    uint64_t size;
    uint32_t stack_id;
  };

  RecordSink& sink_;
  uint64_t last_time_ = 0;
  std::array<Allocation, kRecentAllocations> recent_{};
  uint64_t allocations_ = 0;  // alloc records in the block so far
  bool last_was_alloc_ = false;
  uint64_t last_time_seen_ = 0;
  uint64_t records_ = 0;
  bool expect_meta_;  // the next record is the recording's first
  bool saw_end_ = false;
  std::vector<HeapRecord> heap_run_;
  EveryRecord scratch_;
};

struct Block {
  enum Status { ok, end_of_file, truncated, damaged } status;
  std::span<const uint8_t> payload;  // valid until the next block is read
  const char* reason = "";           // why it is damaged
};

// The file side: checks the header, then hands out decompressed blocks one at a time.
class RecordingFile {
 public:
  explicit RecordingFile(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb")) {
    if (!file_) fail("open", errno);
    check_header();
    if (!dctx_) throw RecordingError("cannot read recording " + path_ + ": out of memory");
  }

  const std::string& path() const { return path_; }

  Block next_block() {
    uint32_t compressed_size = 0, raw_size = 0;
    if (Block header = read_block_header(compressed_size, raw_size); header.status != Block::ok) return header;
    if (!read_frame(compressed_size)) return {Block::truncated};
    // The frame states its own size: a damaged header must not make us allocate for it.
    if (ZSTD_getFrameContentSize(compressed_.data(), compressed_size) != raw_size) {
      return {Block::damaged, {}, "size mismatch"};
    }
    raw_.resize(raw_size);
    size_t decoded = ZSTD_decompressDCtx(dctx_.get(), raw_.data(), raw_.size(), compressed_.data(), compressed_size);
    if (ZSTD_isError(decoded)) {
      bool checksum = ZSTD_getErrorCode(decoded) == ZSTD_error_checksum_wrong;
      return {Block::damaged, {}, checksum ? "checksum" : ZSTD_getErrorName(decoded)};
    }
    if (decoded != raw_size) return {Block::damaged, {}, "size mismatch"};
    return {Block::ok, raw_};
  }

  // Passes over the next block: its header is read, its frame is not.
  Block skip_block() {
    uint32_t compressed_size = 0, raw_size = 0;
    if (Block header = read_block_header(compressed_size, raw_size); header.status != Block::ok) return header;
    if (std::fseek(file_.get(), long(compressed_size), SEEK_CUR) != 0) fail("seek in", errno);
    return {Block::ok};
  }

 private:
  // The next block's sizes; a Block that is not ok when no block can follow.
  Block read_block_header(uint32_t& compressed_size, uint32_t& raw_size) {
    uint8_t header[kBlockHeaderBytes];
    size_t got = read_up_to(header, sizeof(header));
    if (got == 0) return {Block::end_of_file};
    if (got < sizeof(header)) return {Block::truncated};
    compressed_size = load_u32le(header);
    raw_size = load_u32le(header + 4);
    if (compressed_size == 0 || compressed_size > kMaxBlockBytes || raw_size == 0 || raw_size > kMaxBlockBytes) {
      return {Block::damaged, {}, "impossible size"};
    }
    return {Block::ok};
  }

  void check_header() {
    uint8_t header[kFileHeaderBytes];
    size_t got = read_up_to(header, sizeof(header));
    if (got < sizeof(kRecordingMagic) || std::memcmp(header, kRecordingMagic, sizeof(kRecordingMagic)) != 0) {
      throw RecordingError(path_ + " is not a leakrank recording");
    }
    if (got < sizeof(header)) throw RecordingError(path_ + " is truncated in its header");
    uint32_t version = load_u32le(header + sizeof(kRecordingMagic));
    if (version < kOldestReadableVersion || version > kRecordingVersion) {
      throw RecordingError(path_ + " was written by recording format v" + std::to_string(version) +
                           "; this leakrank reads v" + std::to_string(kOldestReadableVersion) + " to v" +
                           std::to_string(kRecordingVersion));
    }
  }

  // Grows the buffer only as bytes arrive, so a damaged size in a short file costs nothing.
  bool read_frame(size_t size) {
    constexpr size_t kChunk = 1 << 20;
    compressed_.clear();
    while (compressed_.size() < size) {
      size_t have = compressed_.size();
      size_t want = std::min(size - have, kChunk);
      compressed_.resize(have + want);
      if (read_up_to(compressed_.data() + have, want) < want) return false;
    }
    return true;
  }

  size_t read_up_to(void* out, size_t size) {
    size_t got = std::fread(out, 1, size, file_.get());
    if (got < size && std::ferror(file_.get())) fail("read", errno);
    return got;
  }

  [[noreturn]] void fail(const char* what, int error) const {
    throw RecordingError(std::string("cannot ") + what + " recording " + path_ + ": " + std::strerror(error));
  }

  struct CloseFile {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  struct FreeDctx {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
  };

  std::string path_;
  std::unique_ptr<FILE, CloseFile> file_;
  std::unique_ptr<ZSTD_DCtx, FreeDctx> dctx_{ZSTD_createDCtx()};
  ByteBuffer compressed_;
  ByteBuffer raw_;
};

std::string reason_of(const Block& block) { return block.status == Block::truncated ? "truncated" : block.reason; }

RecordingError unreadable_first_block(const std::string& path, const Block& block) {
  return RecordingError(path + " is unreadable: its first block is " +
                        (block.status == Block::damaged ? "damaged (" + reason_of(block) + ")" : "missing or cut short"));
}

// elapsed_ns: how far the records read reach; unknown when the blocks before were skipped.
std::string lost_rest_warning(const Block& block, uint64_t block_number, std::optional<uint64_t> elapsed_ns) {
  if (block.status == Block::truncated && !elapsed_ns)
    return "recording truncated in block " + std::to_string(block_number) + ": the rest is lost";
  if (block.status == Block::truncated) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.1f", double(*elapsed_ns) / 1e9);
    return std::string("recording truncated after ") + seconds + " s (block " + std::to_string(block_number) +
           "): the rest is lost";
  }
  return "block " + std::to_string(block_number) + " is damaged (" + reason_of(block) + "): analysis stops there";
}

// The first block, which must hold the meta record; anything wrong with it is an error.
Block first_block(RecordingFile& file) {
  Block block = file.next_block();
  if (block.status != Block::ok) throw unreadable_first_block(file.path(), block);
  return block;
}

}  // namespace

ReadSummary read_recording(const std::string& path, RecordSink& sink, uint64_t skip_blocks) {
  RecordingFile file(path);
  ReadSummary summary;
  RecordDecoder decoder(sink, skip_blocks == 0);
  for (;;) {
    bool skipping = summary.blocks < skip_blocks;
    Block block = skipping ? file.skip_block() : summary.blocks == 0 ? first_block(file) : file.next_block();
    if (block.status == Block::end_of_file) break;
    if (block.status == Block::ok) {
      try {
        if (!skipping) decoder.decode_block(block.payload);
        ++summary.blocks;
        continue;
      } catch (const DamagedBlock& damage) {
        block = {Block::damaged, {}, damage.reason};
      }
    }
    if (summary.blocks == 0) throw unreadable_first_block(path, block);
    bool decoded_any = summary.blocks > skip_blocks;
    summary.warning = lost_rest_warning(block, summary.blocks + 1,
                                        decoded_any ? std::optional(decoder.elapsed_ns()) : std::nullopt);
    break;
  }
  summary.records = decoder.records();
  summary.complete = decoder.saw_end();
  return summary;
}

ReadSummary read_recording(const std::string& path, RecordSink& sink) { return read_recording(path, sink, 0); }

struct RecordingBlocks::Reading {
  explicit Reading(const std::string& path) : file(path) {}
  RecordingFile file;
  uint64_t at = 0;  // the index of the block the file is at
};

RecordingBlocks::RecordingBlocks(std::string path) : path_(std::move(path)) {}
RecordingBlocks::~RecordingBlocks() = default;

void RecordingBlocks::read(uint64_t index, BlockRecords& out) {
  if (!reading_) reading_ = std::make_unique<Reading>(path_);
  auto fail = [&](const Block& block) {
    return RecordingError("cannot read block " + std::to_string(index + 1) + " of " + path_ + ": " +
                          (block.status == Block::end_of_file ? "not in the file" : reason_of(block)));
  };
  for (; reading_->at < index; ++reading_->at)
    if (Block skipped = reading_->file.skip_block(); skipped.status != Block::ok) throw fail(skipped);
  Block block = reading_->file.next_block();
  ++reading_->at;
  if (block.status != Block::ok) throw fail(block);
  out.clear();
  RecordDecoder decoder(out, index == 0);
  try {
    decoder.decode_block(block.payload);
  } catch (const DamagedBlock& damage) {
    throw fail({Block::damaged, {}, damage.reason});
  }
}

RecordingMeta read_recording_meta(const std::string& path) {
  RecordingFile file(path);
  BlockCursor c(first_block(file).payload);
  try {
    if (RecordTag(c.byte()) != RecordTag::meta) throw DamagedBlock{"meta record missing or misplaced"};
    RecordingMeta meta;
    decode_fields(meta, c);
    return meta;
  } catch (const DamagedBlock& damage) {
    throw unreadable_first_block(path, {Block::damaged, {}, damage.reason});
  }
}

}  // namespace leakrank
