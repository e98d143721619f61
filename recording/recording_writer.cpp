#include "recording/recording_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "recording/varint.h"

namespace leakrank {
namespace {

// Big enough to amortize zstd's per-frame cost, small enough that a killed writer loses little.
constexpr size_t kBlockTargetBytes = 1 << 20;
// Level 1: at ~6 raw bytes per record it compresses >60 M records/s on one core.
constexpr int kCompressionLevel = 1;
constexpr size_t kBlockHeaderBytes = 8;

[[gnu::noinline]] void grow(std::vector<uint8_t>& buffer, size_t size) { buffer.resize(size); }

ZSTD_CCtx* as_cctx(void* p) { return static_cast<ZSTD_CCtx*>(p); }

void store_u32le(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(v >> (8 * i));
}

[[noreturn]] void fail(const char* what, const std::string& path, int error) {
  throw RecordingError(std::string("cannot ") + what + " recording " + path + ": " + std::strerror(error));
}

// O_TRUNC keeps an old file's mode, hence the fchmod: recordings expose command lines and memory
// layout. Only regular files: a device such as /dev/null must keep its mode.
bool make_private(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return false;
  return !S_ISREG(st.st_mode) || (st.st_mode & 07777) == 0600 || ::fchmod(fd, 0600) == 0;
}

FILE* create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("create", path, errno);
  FILE* file = make_private(fd) ? ::fdopen(fd, "wb") : nullptr;
  if (!file) {
    int error = errno;
    ::close(fd);
    fail("create", path, error);
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // blocks are already buffered: write them straight through
  return file;
}

ZSTD_CCtx* create_compressor(const std::string& path) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (!cctx) fail("compress", path, ENOMEM);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kCompressionLevel);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // so the reader detects damage
  return cctx;
}

}  // namespace

RecordingWriter::RecordingWriter(const std::string& path, const RecordingMeta& meta) : path_(path) {
  file_ = create_private_file(path_);
  try {
    zstd_ = create_compressor(path_);
    raw_.resize(kBlockTargetBytes + 64 * 1024);
    uint8_t header[sizeof(kRecordingMagic) + 4];
    std::memcpy(header, kRecordingMagic, sizeof(kRecordingMagic));
    store_u32le(header + sizeof(kRecordingMagic), kRecordingVersion);
    write_all(header, sizeof(header));

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
    flush();  // even a recording that gets no further is valid
  } catch (...) {
    ZSTD_freeCCtx(as_cctx(zstd_));
    std::fclose(file_);
    throw;
  }
}

RecordingWriter::~RecordingWriter() {
  try {
    flush();
  } catch (...) {
    // Nowhere to report it from a destructor; the writer's user saw earlier failures as exceptions.
  }
  std::fclose(file_);
  ZSTD_freeCCtx(as_cctx(zstd_));
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
  maybe_flush();
}

void RecordingWriter::alloc(uint64_t time_ns, uint64_t address, uint64_t size, uint32_t stack_id) {
  live_blocks_.add(address, size, stack_id, allocations_);
  if (!live_blocks_.ended_unseen().empty()) [[unlikely]] {
    for (const LiveBlocks::Block& block : live_blocks_.ended_unseen()) put_free(time_ns, block);
    live_blocks_.clear_ended_unseen();
  }
  maybe_flush();  // before, not after: a payload that ends with an allocation would hide its temporary free
  begin_record(RecordTag::alloc);
  put_time(time_ns);
  put_varint(size);
  put_varint(stack_id);
  ++allocations_;
}

void RecordingWriter::free(uint64_t time_ns, uint64_t address) {
  if (std::optional<LiveBlocks::Block> block = live_blocks_.remove(address)) return put_free(time_ns, *block);
  begin_record(RecordTag::free_unmatched);
  put_time(time_ns);
  put_varint(address);
  maybe_flush();
}

// Most blocks die young: the reader still holds their allocation, and an age of one byte
// names it. The rest repeat their size and stack.
void RecordingWriter::put_free(uint64_t time_ns, const LiveBlocks::Block& block) {
  bool in_payload = block.ordinal != LiveBlocks::kOrdinalUnknown && block.ordinal >= block_first_allocation_;
  uint64_t age = allocations_ - block.ordinal;
  if (in_payload && age <= kRecentAllocations) {
    begin_record(RecordTag::free_recent);
    put_time(time_ns);
    put_varint(age);
  } else {
    begin_record(RecordTag::free);
    put_time(time_ns);
    put_varint(block.size);
    put_varint(block.stack_id);
  }
  maybe_flush();
}

void RecordingWriter::rss(uint64_t time_ns, uint64_t bytes) {
  begin_record(RecordTag::rss);
  put_time(time_ns);
  put_varint(bytes);
  maybe_flush();
}

void RecordingWriter::snapshot(uint64_t time_ns, std::string_view name) {
  begin_record(RecordTag::snapshot);
  put_time(time_ns);
  put_string(name);
  maybe_flush();
}

void RecordingWriter::child(uint64_t time_ns, int32_t pid, std::string_view recording_path) {
  begin_record(RecordTag::child);
  put_time(time_ns);
  put_varint(uint32_t(pid));
  put_string(recording_path);
  maybe_flush();
}

void RecordingWriter::end(uint64_t time_ns, int32_t wait_status) {
  begin_record(RecordTag::end);
  put_time(time_ns);
  put_zigzag(wait_status);
  maybe_flush();
}

void RecordingWriter::flush() {
  if (raw_size_ == 0) return;
  size_t raw_size = raw_size_;
  compressed_.resize(kBlockHeaderBytes + ZSTD_compressBound(raw_size));
  size_t frame_size = ZSTD_compress2(as_cctx(zstd_), compressed_.data() + kBlockHeaderBytes,
                                     compressed_.size() - kBlockHeaderBytes, raw_.data(), raw_size);
  // The next block starts afresh whatever happens below, so each block decodes alone.
  raw_size_ = 0;
  last_time_ = 0;
  block_first_allocation_ = allocations_;
  if (ZSTD_isError(frame_size)) {
    throw RecordingError("cannot compress recording " + path_ + ": " + ZSTD_getErrorName(frame_size));
  }
  if (raw_size > kMaxBlockBytes || frame_size > kMaxBlockBytes) {
    throw RecordingError("cannot write recording " + path_ + ": a record exceeds the block size limit");
  }
  store_u32le(compressed_.data(), uint32_t(frame_size));
  store_u32le(compressed_.data() + 4, uint32_t(raw_size));
  write_all(compressed_.data(), kBlockHeaderBytes + frame_size);
}

[[gnu::always_inline]] inline void RecordingWriter::begin_record(RecordTag tag) {
  make_room(1);
  raw_[raw_size_++] = uint8_t(tag);
  ++records_;
}

// Wrapping differences: any sequence round-trips, even one that steps backwards.
[[gnu::always_inline]] inline void RecordingWriter::put_time(uint64_t time_ns) {
  put_varint(time_ns - last_time_);
  last_time_ = time_ns;
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

void RecordingWriter::write_all(const void* data, size_t size) {
  errno = 0;
  if (std::fwrite(data, 1, size, file_) != size) fail("write", path_, errno ? errno : EIO);
  file_bytes_ += size;
}

[[gnu::always_inline]] inline void RecordingWriter::maybe_flush() {
  if (raw_size_ >= kBlockTargetBytes) flush();
}

}  // namespace leakrank
