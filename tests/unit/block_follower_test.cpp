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
  explicit Watched(bool open_at_start = true) : open(open_at_start) {}
  std::atomic<bool> open;
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

// A follower whose observer waits at the closed gate while the test hands it blocks.
struct HeldFollower {
  explicit HeldFollower(ReadBlock file = {})
      : follower(watched.observer(), file ? std::move(file) : watched.file()), observer(follower.observer()) {}
  void hand_over(uint64_t from, uint64_t to) {
    for (uint64_t i = from; i < to; ++i) observer(block_number(i));
  }

  Watched watched{false};
  BlockFollower follower;
  BlockObserver observer;
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
  HeldFollower held;
  Watched& watched = held.watched;
  // The first block holds the observer; the copies fill up, and the writer goes on regardless.
  constexpr uint64_t kBehind = 4 * BlockFollower::kMaxBlocksBehind;
  held.hand_over(0, kBehind);
  watched.open = true;
  watched.wait_until_shown(kBehind);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the follower's own note of it
  // Caught up: copies again, and nothing more is read back.
  size_t read_when_caught_up = watched.read_back.size();
  for (uint64_t i = kBehind; i < kBehind + 3; ++i) {
    held.hand_over(i, i + 1);
    watched.wait_until_shown(i + 1);
  }
  CHECK(held.follower.finish());
  CHECK(watched.seen == numbers(0, kBehind + 3));
  CHECK(read_when_caught_up > 0);
  CHECK(watched.read_back == numbers(kBehind - read_when_caught_up, kBehind));
}

TEST_CASE("finish waits for the block being shown only: the caller reads the rest") {
  HeldFollower held;
  Watched& watched = held.watched;
  held.hand_over(0, 4 * BlockFollower::kMaxBlocksBehind);
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    watched.open = true;
  });
  CHECK_FALSE(held.follower.finish());  // the copies waiting are dropped, not shown
  opener.join();
  CHECK(watched.seen.size() <= 1);
  CHECK(watched.seen == numbers(0, watched.seen.size()));
  CHECK(watched.read_back.empty());
}

TEST_CASE("a block that cannot be read back ends what the observer sees") {
  std::atomic<int> reads{0};
  // The first read fails; any after it would succeed.
  HeldFollower held([&](uint64_t index, BlockRecords& out) {
    if (reads++ == 0) throw std::runtime_error("damaged");
    out = block_number(index);
  });
  Watched& watched = held.watched;
  held.hand_over(0, 2 * BlockFollower::kMaxBlocksBehind);
  watched.open = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the copies shown, the read failed
  held.hand_over(2 * BlockFollower::kMaxBlocksBehind, 2 * BlockFollower::kMaxBlocksBehind + 1);
  CHECK_FALSE(held.follower.finish());
  CHECK(reads.load() == 1);  // nothing was read, or shown, past the failure
  CHECK(watched.seen.size() <= BlockFollower::kMaxBlocksBehind + 1);
  CHECK(watched.seen == numbers(0, watched.seen.size()));
}

}  // namespace
}  // namespace leakrank
