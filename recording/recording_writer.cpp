#include "recording/recording_writer.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>

#include "recording/varint.h"

namespace leakrank {
namespace {

// Big enough to amortize zstd's per-frame cost, small enough that a killed writer loses little.
constexpr size_t kBlockTargetBytes = 1 << 20;
constexpr size_t kBlockBufferBytes = kBlockTargetBytes + 64 * 1024;  // slack for the record that crosses the target
// An observed block also ends at this many allocations and frees: the observer's copy of them
// takes 24 bytes each, where the file takes about two, and two blocks are in memory at once.
constexpr size_t kObservedHeapRecords = size_t(1) << 17;

[[gnu::noinline]] void grow(ByteBuffer& buffer, size_t size) { buffer.resize(size); }

std::vector<uint8_t> file_header() {
  std::vector<uint8_t> header(kFileHeaderBytes);
  std::memcpy(header.data(), kRecordingMagic, sizeof(kRecordingMagic));
  store_u32le(header.data() + sizeof(kRecordingMagic), kRecordingVersion);
  return header;
}

}  // namespace

RecordingWriter::RecordingWriter(const std::string& path, const RecordingMeta& meta, BlockObserver observer)
    : path_(path), file_(path, file_header(), std::move(observer)) {
  raw_.resize(kBlockBufferBytes);
  put_record(meta);
  flush();  // even a recording that gets no further is valid
}

RecordingWriter::~RecordingWriter() {
  try {
    flush();
  } catch (...) {
    // Nowhere to report it from a destructor; the writer's user saw earlier failures as exceptions.
  }
}

// The field coders of record_kinds.h, writing into the pending block.
struct RecordingWriter::Encoder {
  RecordingWriter& writer;
  void varint(uint64_t v) { writer.put_varint(v); }
  void zigzag(int64_t v) { writer.put_zigzag(v); }
  void u32(uint32_t v) { writer.put_varint(v); }
  void i32(int32_t v) { writer.put_zigzag(v); }
  void pid(int32_t v) { writer.put_varint(uint32_t(v)); }  // its 32 bits
  void flag(uint8_t v) { writer.put_varint(v); }
  void string(std::string_view s) { writer.put_string(s); }
  void strings(const std::vector<std::string>& list) {
    varint(list.size());
    for (const std::string& s : list) string(s);
  }
  // Neighbouring frames are usually close together; deeper stacks keep their innermost frames.
  void frames(const std::vector<uint64_t>& ips) {
    size_t depth = std::min<size_t>(ips.size(), kMaxStackDepth);
    varint(depth);
    uint64_t previous = 0;
    for (size_t i = 0; i < depth; ++i) {
      zigzag(int64_t(ips[i] - previous));
      previous = ips[i];
    }
  }
  void modules(const std::vector<ModuleInfo>& list) {
    varint(list.size());
    for (const ModuleInfo& m : list) ModuleInfo::fields(m, *this);
  }
};

template <class Kind>
void RecordingWriter::put_record(const Kind& record) {
  if constexpr (TimedRecord<Kind>) begin_timed_record(Kind::tag, record.time_ns);
  else begin_record(Kind::tag);
  Encoder encoder{*this};
  Kind::fields(record, encoder);
  if (observed()) block_records_.on(record);
}

template <class Kind>
void RecordingWriter::write(const Kind& record) {
  static_assert(!std::is_same_v<Kind, RecordingMeta>, "the constructor writes the meta record");
  put_record(record);
  // Only a free ends the run in which an age-1 free is temporary (the reader's rule too).
  if constexpr (std::is_same_v<Kind, UnmatchedFreeRecord>) last_was_alloc_ = false;
  maybe_flush();
}

#define LEAKRANK_INSTANTIATE_WRITE(Kind) template void RecordingWriter::write(const Kind&);
LEAKRANK_RECORD_KINDS_BUT_META(LEAKRANK_INSTANTIATE_WRITE)
#undef LEAKRANK_INSTANTIATE_WRITE

void RecordingWriter::alloc(uint64_t time_ns, uint64_t address, uint64_t size, uint32_t stack_id) {
  live_blocks_.add(address, size, stack_id, allocations_);
  if (!live_blocks_.ended_unseen().empty()) [[unlikely]] {
    for (const LiveBlocks::Block& block : live_blocks_.ended_unseen()) put_free(time_ns, block);
    live_blocks_.clear_ended_unseen();
  }
  maybe_flush();  // before, not after: a payload that ends with an allocation would hide its temporary free
  begin_timed_record(RecordTag::alloc, time_ns);
  put_varint(size);
  put_varint(stack_id);
  if (observed()) block_records_.add({time_ns, size, stack_id, HeapEvent::alloc});
  last_was_alloc_ = true;
  ++allocations_;
}

void RecordingWriter::free(uint64_t time_ns, uint64_t address) {
  if (std::optional<LiveBlocks::Block> block = live_blocks_.remove(address)) return put_free(time_ns, *block);
  write(UnmatchedFreeRecord{time_ns, address});
}

// Most blocks die young: the reader still holds their allocation, and its age names it, in
// the tag alone for the youngest. The rest repeat their size and stack.
void RecordingWriter::put_free(uint64_t time_ns, const LiveBlocks::Block& block) {
  bool in_payload = block.ordinal != LiveBlocks::kOrdinalUnknown && block.ordinal >= block_first_allocation_;
  uint64_t age = allocations_ - block.ordinal;
  if (in_payload && age <= kYoungFreeAges) {
    begin_timed_record(young_free_tag(age), time_ns);
  } else if (in_payload && age <= kRecentAllocations) {
    begin_timed_record(RecordTag::free_recent, time_ns);
    put_varint(age);
  } else {
    begin_timed_record(RecordTag::free, time_ns);
    put_varint(block.size);
    put_varint(block.stack_id);
  }
  if (observed()) {
    HeapEvent event = in_payload ? free_named_by_age(age, last_was_alloc_) : HeapEvent::free;
    block_records_.add({time_ns, block.size, block.stack_id, event});
  }
  last_was_alloc_ = false;
  maybe_flush();
}

void RecordingWriter::flush() {
  hand_over_block();
  file_.wait_written();
}

// The next block starts afresh whatever happens, so each block decodes alone.
void RecordingWriter::hand_over_block() {
  if (raw_size_ == 0) return;
  size_t raw_size = std::exchange(raw_size_, 0);
  last_time_ = 0;
  last_was_alloc_ = false;
  block_first_allocation_ = allocations_;
  if (raw_size > kMaxBlockBytes) {
    throw RecordingError("cannot write recording " + path_ + ": a record exceeds the block size limit");
  }
  file_.write_block(raw_, raw_size, block_records_);
  if (raw_.size() < kBlockBufferBytes) raw_.resize(kBlockBufferBytes);  // the first swap gives back an empty buffer
}

[[gnu::always_inline]] inline void RecordingWriter::begin_record(RecordTag tag) { put_tag(uint8_t(tag)); }

// Wrapping differences: any sequence round-trips, even one that steps backwards.
[[gnu::always_inline]] inline void RecordingWriter::begin_timed_record(RecordTag tag, uint64_t time_ns) {
  begin_timed_record(uint8_t(tag), time_ns);
}
[[gnu::always_inline]] inline void RecordingWriter::begin_timed_record(uint8_t tag, uint64_t time_ns) {
  if (time_ns == last_time_) return put_tag(tag | kSameTime);
  put_tag(tag);
  put_varint(time_ns - last_time_);
  last_time_ = time_ns;
}

[[gnu::always_inline]] inline void RecordingWriter::put_tag(uint8_t tag) {
  make_room(1);
  raw_[raw_size_++] = tag;
  ++records_;
}

[[gnu::always_inline]] inline void RecordingWriter::put_varint(uint64_t v) {
  make_room(kMaxVarintBytes);
  raw_size_ = size_t(encode_varint(v, raw_.data() + raw_size_) - raw_.data());
}

[[gnu::always_inline]] inline void RecordingWriter::put_zigzag(int64_t v) { put_varint(zigzag_encode(v)); }

void RecordingWriter::put_string(std::string_view s) {
  put_varint(s.size());
  if (s.empty()) return;  // an empty view may carry a null pointer, which memcpy must not see
  make_room(s.size());
  std::memcpy(raw_.data() + raw_size_, s.data(), s.size());
  raw_size_ += s.size();
}

// The buffer only grows for a record larger than its slack (a long module map, say); the rare
// growth stays out of line so the per-field check inlines. Forced inline: the field writers
// took 11% of a churn run's samples as calls, 4% inlined.
[[gnu::always_inline]] inline void RecordingWriter::make_room(size_t bytes) {
  if (raw_.size() - raw_size_ < bytes) grow(raw_, raw_size_ + bytes + kBlockTargetBytes / 4);
}

[[gnu::always_inline]] inline void RecordingWriter::maybe_flush() {
  if (raw_size_ >= kBlockTargetBytes || block_records_.heap_records() >= kObservedHeapRecords) hand_over_block();
}

}  // namespace leakrank
