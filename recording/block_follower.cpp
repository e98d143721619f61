#include "recording/block_follower.h"

#include <utility>

namespace leakrank {

BlockFollower::BlockFollower(BlockObserver observer, ReadBlock read_block)
    : observer_(std::move(observer)), read_block_(std::move(read_block)), thread_([this] { run(); }) {}

BlockFollower::~BlockFollower() {
  {
    std::lock_guard lock(mutex_);
    closing_ = finishing_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

BlockObserver BlockFollower::observer() {
  return [this](const BlockRecords& block) { queue(block); };
}

void BlockFollower::queue(const BlockRecords& block) {
  {
    std::lock_guard lock(mutex_);
    ++handed_;
    if (failed_) return;
    if (!from_file_ && copies_.size() < kMaxBlocksBehind) copies_.push_back(block);
    else from_file_ = true;  // this block and the ones after it: from the file, once the copies are shown
  }
  changed_.notify_all();
}

bool BlockFollower::finish() {
  std::unique_lock lock(mutex_);
  finishing_ = true;
  copies_.clear();
  changed_.wait(lock, [this] { return !showing_; });
  return shown_ == handed_;
}

bool BlockFollower::has_work() const {
  if (failed_ || finishing_) return false;
  return !copies_.empty() || (from_file_ && shown_ < handed_);
}

// The next block in order: the oldest copy, else the block after the shown ones, from the file.
void BlockFollower::show_next(std::unique_lock<std::mutex>& lock) {
  bool copied = !copies_.empty();
  BlockRecords block;
  if (copied) {
    block = std::move(copies_.front());
    copies_.pop_front();
  }
  uint64_t index = shown_;
  showing_ = true;
  lock.unlock();
  bool shown = true;
  try {
    if (!copied) read_block_(index, block);
    observer_(block);
  } catch (...) {
    shown = false;
  }
  lock.lock();
  showing_ = false;
  if (!shown) {
    failed_ = true;
    copies_.clear();
    return;
  }
  ++shown_;
  if (from_file_ && copies_.empty() && shown_ == handed_) from_file_ = false;  // caught up: copies again
}

void BlockFollower::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return has_work() || closing_; });
    if (!has_work()) return;  // closing, with nothing left to show
    show_next(lock);
    changed_.notify_all();
  }
}

}  // namespace leakrank
