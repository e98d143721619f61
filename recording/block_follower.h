#pragma once
// Shows each written block to an observer on a thread of its own. Called on the file's thread,
// a slow observer (the summary's analysis, ten times slower in a sanitized build) would hold
// up the writer, the drain behind it, and through full rings the target itself. Here a block
// costs the file's thread one copy, and never a wait: once kMaxBlocksBehind copies wait, the
// blocks after them are read back from the file instead, whenever the observer gets to them,
// until it has caught up. Blocks are shown in order, so the observer always saw a prefix.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "recording/block_file.h"

namespace leakrank {

// Reads block `index` of the file (0: the first) into out, once it is written; asked for in
// increasing order. May throw: the observer then sees no more blocks.
using ReadBlock = std::function<void(uint64_t index, BlockRecords& out)>;

class BlockFollower {
 public:
  static constexpr size_t kMaxBlocksBehind = 8;

  BlockFollower(BlockObserver observer, ReadBlock read_block);
  ~BlockFollower();
  BlockFollower(const BlockFollower&) = delete;
  BlockFollower& operator=(const BlockFollower&) = delete;

  // What the file is given as its observer: queues a copy of each block, or notes it is there.
  BlockObserver observer();
  // Once no more blocks come: waits for the block being shown, if any, and shows no more.
  // False when the observer did not see every block: it saw the first ones, and the caller
  // reads the rest itself, faster than a thread that may run on leftover CPU only would
  // (read_recording's skip_blocks).
  bool finish();

 private:
  void queue(const BlockRecords& block);
  void run();
  bool has_work() const;
  void show_next(std::unique_lock<std::mutex>& lock);

  BlockObserver observer_;
  ReadBlock read_block_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<BlockRecords> copies_;  // the blocks right after the shown ones
  uint64_t handed_ = 0;              // blocks written so far
  uint64_t shown_ = 0;
  bool from_file_ = false;  // the blocks after the copies are to be read back from the file
  bool showing_ = false;    // the thread is showing a block it took
  bool finishing_ = false;  // no more blocks are shown
  bool failed_ = false;     // the file could not be read: nothing more is shown
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace leakrank
