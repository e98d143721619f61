#include "recording/block_follower.h"

namespace leakrank {

BlockFollower::BlockFollower(BlockObserver observer)
    : observer_(std::move(observer)), thread_([this] { run(); }) {}

BlockFollower::~BlockFollower() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
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
    if (let_go_) return;
    if (queued_.size() >= kMaxBlocksBehind) {
      let_go_ = true;
      queued_.clear();
      return;
    }
    queued_.push_back(block);
  }
  changed_.notify_all();
}

bool BlockFollower::finish() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_.empty() && !showing_; });
  return !let_go_;
}

void BlockFollower::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !queued_.empty() || closing_; });
    if (queued_.empty()) return;  // closing, and nothing left to show (let go: cleared)
    BlockRecords block = std::move(queued_.front());
    queued_.pop_front();
    showing_ = true;
    lock.unlock();
    observer_(block);
    lock.lock();
    showing_ = false;
    changed_.notify_all();
  }
}

}  // namespace leakrank
