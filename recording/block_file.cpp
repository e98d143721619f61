#include "recording/block_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "recording/record_format.h"
#include "recording/recording_writer.h"

namespace leakrank {
namespace {

// Level 1: at ~6 raw bytes per record it compresses >60 M records/s on one core.
constexpr int kCompressionLevel = 1;

ZSTD_CCtx* as_cctx(void* p) { return static_cast<ZSTD_CCtx*>(p); }

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

BlockFile::BlockFile(const std::string& path, std::span<const uint8_t> header, BlockObserver observer)
    : path_(path), observer_(std::move(observer)) {
  file_ = create_private_file(path_);
  try {
    zstd_ = create_compressor(path_);
    write_all(header.data(), header.size());
    thread_ = std::thread([this] { run(); });
  } catch (...) {
    ZSTD_freeCCtx(as_cctx(zstd_));
    std::fclose(file_);
    throw;
  }
}

BlockFile::~BlockFile() {
  {
    std::unique_lock lock(mutex_);
    wait_idle(lock);
    closing_ = true;
  }
  work_.notify_one();
  thread_.join();
  std::fclose(file_);
  ZSTD_freeCCtx(as_cctx(zstd_));
}

void BlockFile::write_block(ByteBuffer& raw, size_t size, BlockRecords& records) {
  {
    std::unique_lock lock(mutex_);
    wait_idle(lock);
    if (failure_) std::rethrow_exception(failure_);
    pending_.swap(raw);
    pending_size_ = size;
    pending_records_.swap(records);
    records.clear();
    has_pending_ = true;
  }
  work_.notify_one();
}

void BlockFile::wait_written() {
  std::unique_lock lock(mutex_);
  wait_idle(lock);
  if (failure_) std::rethrow_exception(failure_);
}

void BlockFile::wait_idle(std::unique_lock<std::mutex>& lock) {
  idle_.wait(lock, [this] { return !has_pending_; });
}

// After a failure the blocks that follow are dropped: the file already ends where it failed.
void BlockFile::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [this] { return has_pending_ || closing_; });
    if (!has_pending_) return;
    bool failed = failure_ != nullptr;
    lock.unlock();
    std::exception_ptr failure;
    if (!failed) {
      try {
        compress_and_write(pending_, pending_size_);
      } catch (...) {
        failure = std::current_exception();
      }
      if (!failure && observer_) observer_(pending_records_);
    }
    lock.lock();
    if (failure) failure_ = failure;
    has_pending_ = false;
    idle_.notify_all();
  }
}

void BlockFile::compress_and_write(const ByteBuffer& raw, size_t size) {
  compressed_.resize(kBlockHeaderBytes + ZSTD_compressBound(size));
  size_t frame_size = ZSTD_compress2(as_cctx(zstd_), compressed_.data() + kBlockHeaderBytes,
                                     compressed_.size() - kBlockHeaderBytes, raw.data(), size);
  if (ZSTD_isError(frame_size)) {
    throw RecordingError("cannot compress recording " + path_ + ": " + ZSTD_getErrorName(frame_size));
  }
  if (frame_size > kMaxBlockBytes) {  // the writer checked the raw size
    throw RecordingError("cannot write recording " + path_ + ": a record exceeds the block size limit");
  }
  store_u32le(compressed_.data(), uint32_t(frame_size));
  store_u32le(compressed_.data() + 4, uint32_t(size));
  write_all(compressed_.data(), kBlockHeaderBytes + frame_size);
  // The observer's follower may read the block back from the file (block_follower.h).
  if (observer_ && std::fflush(file_) != 0) fail("write", path_, errno ? errno : EIO);
}

void BlockFile::write_all(const void* data, size_t size) {
  errno = 0;
  if (std::fwrite(data, 1, size, file_) != size) fail("write", path_, errno ? errno : EIO);
  bytes_.fetch_add(size, std::memory_order_release);
}

}  // namespace leakrank
