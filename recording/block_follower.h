#pragma once
// Shows each written block to an observer on a thread of its own. Called on the file's thread,
// a slow observer (the summary's analysis, ten times slower in a sanitized build) would hold
// up the writer, the drain behind it, and through full rings the target itself. Here a block
// costs the file's thread one copy; an observer that falls kMaxBlocksBehind blocks behind is
// let go, sees no more, and whoever relied on it reads the file instead.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>

#include "recording/block_file.h"

namespace leakrank {

class BlockFollower {
 public:
  static constexpr size_t kMaxBlocksBehind = 8;

  explicit BlockFollower(BlockObserver observer);
  ~BlockFollower();
  BlockFollower(const BlockFollower&) = delete;
  BlockFollower& operator=(const BlockFollower&) = delete;

  // What the file is given as its observer: queues a copy of each block.
  BlockObserver observer();
  // Once no more blocks come: waits until the observer saw every block queued. False when it
  // was let go, so that it saw only part of the recording.
  bool finish();

 private:
  void queue(const BlockRecords& block);
  void run();

  BlockObserver observer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<BlockRecords> queued_;
  bool showing_ = false;  // the thread is showing a block it took
  bool let_go_ = false;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace leakrank
