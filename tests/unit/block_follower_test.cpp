#include "recording/block_follower.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace leakrank {
namespace {

// Block `index` holds index + 1 records, so that its size names it.
BlockRecords block_number(uint64_t index) {
  BlockRecords block;
  for (uint64_t i = 0; i <= index; ++i) block.add(HeapRecord{i, 16, 1, HeapEvent::alloc});
  return block;
}

uint64_t number_of(const BlockRecords& block) { return block.records() - 1; }

// An observer held at a gate, and a file whose reads are noted.
struct Watched {
  std::atomic<bool> open{true};
  std::vector<uint64_t> seen;    // by the follower's thread only, read once it is idle
  std::vector<uint64_t> read_back;
  std::atomic<uint64_t> shown{0};

  BlockObserver observer() {
    return [this](const BlockRecords& block) {
      while (!open.load()) std::this_thread::yield();
      seen.push_back(number_of(block));
      ++shown;
    };
  }
  ReadBlock file() {
    return [this](uint64_t index, BlockRecords& out) {
      read_back.push_back(index);
      out = block_number(index);
    };
  }
  void wait_until_shown(uint64_t count) const {
    while (shown.load() < count) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

std::vector<uint64_t> numbers(uint64_t from, uint64_t to) {
  std::vector<uint64_t> all;
  for (uint64_t i = from; i < to; ++i) all.push_back(i);
  return all;
}

TEST_CASE("an observer that keeps up sees every block, in order, from the copies") {
  Watched watched;
  BlockFollower follower(watched.observer(), watched.file());
  BlockObserver observer = follower.observer();
  constexpr uint64_t kBlocks = 3 * BlockFollower::kMaxBlocksBehind;
  for (uint64_t i = 0; i < kBlocks; ++i) {
    observer(block_number(i));
    watched.wait_until_shown(i + 1);  // each block shown before the next comes: it never falls behind
  }
  CHECK(follower.finish());
  CHECK(watched.seen == numbers(0, kBlocks));
  CHECK(watched.read_back.empty());
}

TEST_CASE("an observer that falls behind reads the later blocks back, in order, and the writer never waits") {
  Watched watched;
  watched.open = false;
  BlockFollower follower(watched.observer(), watched.file());
  BlockObserver observer = follower.observer();
  // The first block holds the observer; the copies fill up, and the writer goes on regardless.
  constexpr uint64_t kBehind = 4 * BlockFollower::kMaxBlocksBehind;
  for (uint64_t i = 0; i < kBehind; ++i) observer(block_number(i));
  watched.open = true;
  watched.wait_until_shown(kBehind);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the follower's own note of it
  // Caught up: copies again, and nothing more is read back.
  size_t read_when_caught_up = watched.read_back.size();
  for (uint64_t i = kBehind; i < kBehind + 3; ++i) {
    observer(block_number(i));
    watched.wait_until_shown(i + 1);
  }
  CHECK(follower.finish());
  CHECK(watched.seen == numbers(0, kBehind + 3));
  CHECK(read_when_caught_up > 0);
  CHECK(watched.read_back == numbers(kBehind - read_when_caught_up, kBehind));
}

TEST_CASE("finish waits for the block being shown only: the caller reads the rest") {
  Watched watched;
  watched.open = false;
  BlockFollower follower(watched.observer(), watched.file());
  BlockObserver observer = follower.observer();
  constexpr uint64_t kBlocks = 4 * BlockFollower::kMaxBlocksBehind;
  for (uint64_t i = 0; i < kBlocks; ++i) observer(block_number(i));
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    watched.open = true;
  });
  CHECK_FALSE(follower.finish());  // the copies waiting are dropped, not shown
  opener.join();
  CHECK(watched.seen.size() <= 1);
  CHECK(watched.seen == numbers(0, watched.seen.size()));
  CHECK(watched.read_back.empty());
}

TEST_CASE("a block that cannot be read back ends what the observer sees") {
  Watched watched;
  watched.open = false;
  BlockFollower follower(watched.observer(), [](uint64_t, BlockRecords&) { throw std::runtime_error("damaged"); });
  BlockObserver observer = follower.observer();
  constexpr uint64_t kBlocks = 2 * BlockFollower::kMaxBlocksBehind;
  for (uint64_t i = 0; i < kBlocks; ++i) observer(block_number(i));
  watched.open = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(follower.finish());
  size_t seen = watched.seen.size();
  observer(block_number(kBlocks));  // after the failure: not shown
  CHECK_FALSE(follower.finish());
  CHECK(watched.seen.size() == seen);
  CHECK(seen <= BlockFollower::kMaxBlocksBehind + 1);
  CHECK(watched.seen == numbers(0, seen));
}

}  // namespace
}  // namespace leakrank
