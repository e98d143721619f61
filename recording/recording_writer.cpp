#include "recording/recording_writer.h"

#include <algorithm>
#include <cstring>
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
  begin_record(RecordTag::meta);
  put_varint(meta.command.size());
  for (const std::string& arg : meta.command) put_string(arg);
  put_varint(uint32_t(meta.pid));
  put_varint(uint32_t(meta.parent_pid));
  put_zigzag(meta.start_unix_ns);
  put_varint(meta.sample_bytes);
  put_varint(meta.max_depth);
  put_varint(meta.attached);
  put_string(meta.tool_version);
  if (observed()) block_records_.on_meta(meta);
  flush();  // even a recording that gets no further is valid
}

RecordingWriter::~RecordingWriter() {
  try {
    flush();
  } catch (...) {
    // Nowhere to report it from a destructor; the writer's user saw earlier failures as exceptions.
  }
}

void RecordingWriter::module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) {
  begin_record(RecordTag::module_map);
  put_varint(generation);
  put_varint(modules.size());
  for (const ModuleInfo& m : modules) {
    put_string(m.path);
    put_varint(m.start);
    put_varint(m.end);
    put_varint(m.load_bias);
    put_string(m.build_id);
  }
  if (observed()) block_records_.on_module_map(generation, modules);
  maybe_flush();
}

void RecordingWriter::stack(uint32_t id, std::span<const uint64_t> ips) {
  ips = ips.first(std::min<size_t>(ips.size(), kMaxStackDepth));
  begin_record(RecordTag::stack);
  put_varint(id);
  put_varint(ips.size());
  uint64_t previous = 0;
  for (uint64_t ip : ips) {
    put_zigzag(int64_t(ip - previous));  // neighbouring frames are usually close together
    previous = ip;
  }
  if (observed()) block_records_.on_stack(id, ips);
  maybe_flush();
}

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
  begin_timed_record(RecordTag::free_unmatched, time_ns);
  put_varint(address);
  if (observed()) block_records_.on_unmatched_free(time_ns, address);
  last_was_alloc_ = false;
  maybe_flush();
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

void RecordingWriter::rss(uint64_t time_ns, uint64_t bytes) {
  begin_timed_record(RecordTag::rss, time_ns);
  put_varint(bytes);
  if (observed()) block_records_.on_rss(time_ns, bytes);
  maybe_flush();
}

void RecordingWriter::snapshot(uint64_t time_ns, std::string_view name) {
  begin_timed_record(RecordTag::snapshot, time_ns);
  put_string(name);
  if (observed()) block_records_.on_snapshot(time_ns, name);
  maybe_flush();
}

void RecordingWriter::child(uint64_t time_ns, int32_t pid, std::string_view recording_path) {
  begin_timed_record(RecordTag::child, time_ns);
  put_varint(uint32_t(pid));
  put_string(recording_path);
  if (observed()) block_records_.on_child(time_ns, pid, recording_path);
  maybe_flush();
}

void RecordingWriter::command(uint64_t time_ns, const std::vector<std::string>& command) {
  begin_timed_record(RecordTag::command, time_ns);
  put_varint(command.size());
  for (const std::string& arg : command) put_string(arg);
  if (observed()) block_records_.on_command(time_ns, command);
  maybe_flush();
}

void RecordingWriter::end(uint64_t time_ns, int32_t wait_status) {
  begin_timed_record(RecordTag::end, time_ns);
  put_zigzag(wait_status);
  if (observed()) block_records_.on_end(time_ns, wait_status);
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
