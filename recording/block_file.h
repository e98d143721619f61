#pragma once
// The recording file, written one block at a time on a thread of its own: the recorder's
// thread, which every event of the target passes through, hands each filled block over and
// goes on, while zstd and write(2) (a third of its time, measured on churn) run beside it.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "recording/block_records.h"
#include "recording/byte_buffer.h"

namespace leakrank {

// Sees the records of every block once it is in the file, on the file's thread; must not throw.
// An analysis that follows the recording takes its records from here instead of the file.
using BlockObserver = std::function<void(const BlockRecords& block)>;

class BlockFile {
 public:
  // Creates the file (0600) and writes the header; throws RecordingError.
  BlockFile(const std::string& path, std::span<const uint8_t> header, BlockObserver observer = {});
  ~BlockFile();  // writes what was handed over; never throws
  BlockFile(const BlockFile&) = delete;
  BlockFile& operator=(const BlockFile&) = delete;

  // Takes the first `size` bytes of `raw` as the next block, and `records` as what the
  // observer is shown of it, and leaves an emptied buffer and records in their place. Waits
  // while the block before is still being written: at most two are in memory.
  // Throws RecordingError when an earlier block could not be written.
  void write_block(ByteBuffer& raw, size_t size, BlockRecords& records);
  bool observed() const { return bool(observer_); }
  // Returns once every block handed over is in the file; throws as write_block.
  void wait_written();
  uint64_t bytes() const { return bytes_.load(std::memory_order_acquire); }

 private:
  void run();
  void compress_and_write(const ByteBuffer& raw, size_t size);
  void write_all(const void* data, size_t size);
  void wait_idle(std::unique_lock<std::mutex>& lock);

  std::string path_;
  BlockObserver observer_;
  FILE* file_ = nullptr;
  void* zstd_ = nullptr;  // ZSTD_CCtx, used by the thread alone
  ByteBuffer compressed_;
  std::atomic<uint64_t> bytes_{0};

  std::mutex mutex_;
  std::condition_variable work_;  // a block was handed over, or the file is closing
  std::condition_variable idle_;  // the block handed over is written
  ByteBuffer pending_;  // the thread's while has_pending_
  size_t pending_size_ = 0;
  BlockRecords pending_records_;
  bool has_pending_ = false;
  bool closing_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace leakrank
