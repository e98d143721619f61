#include "recording/block_follower.h"

#include <doctest/doctest.h>

#include <atomic>
#include <vector>

namespace leakrank {
namespace {

BlockRecords block_with(uint64_t time_ns) {
  BlockRecords block;
  block.add(HeapRecord{time_ns, 16, 1, HeapEvent::alloc});
  return block;
}

TEST_CASE("an observer that keeps up sees every block, in order, off the caller's thread") {
  std::vector<uint64_t> seen;
  BlockFollower follower([&](const BlockRecords& block) { seen.push_back(block.records()); });
  BlockObserver observer = follower.observer();
  for (uint64_t i = 1; i <= 3 * BlockFollower::kMaxBlocksBehind; ++i) {
    observer(block_with(i));
    REQUIRE(follower.finish());  // each block shown before the next comes: it never falls behind
  }
  CHECK(seen.size() == 3 * BlockFollower::kMaxBlocksBehind);
}

TEST_CASE("an observer that falls too far behind is let go, and the writer never waits for it") {
  std::atomic<bool> release{false};
  std::atomic<int> shown{0};
  BlockFollower follower([&](const BlockRecords&) {
    while (!release.load()) {
    }
    ++shown;
  });
  BlockObserver observer = follower.observer();
  // The first block holds the observer; the queue then fills and overflows without blocking.
  for (uint64_t i = 0; i < 4 * BlockFollower::kMaxBlocksBehind; ++i) observer(block_with(i));
  release.store(true);
  CHECK_FALSE(follower.finish());
  CHECK(shown.load() <= int(BlockFollower::kMaxBlocksBehind) + 1);
  observer(block_with(99));  // let go: later blocks are dropped
  CHECK_FALSE(follower.finish());
}

}  // namespace
}  // namespace leakrank
