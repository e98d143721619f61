#include "recording/live_blocks.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace leakrank {

TEST_CASE("a freed block is found with its size, stack and ordinal; an unknown one is not") {
  LiveBlocks blocks;
  CHECK_FALSE(blocks.remove(0x5000));
  blocks.add(0x1000, 100, 3, 0);
  blocks.add(0x2000, 50, 4, 1);
  std::optional<LiveBlocks::Block> freed = blocks.remove(0x2000);
  REQUIRE(freed);
  CHECK(freed->size == 50);
  CHECK(freed->stack_id == 4);
  CHECK(freed->ordinal == 1);
  CHECK_FALSE(blocks.remove(0x2000));
  CHECK(blocks.ended_unseen().empty());
}

TEST_CASE("a live address allocated again ends the block that was there") {
  LiveBlocks blocks;
  blocks.add(0x1000, 100, 0, 0);
  blocks.add(0x1000, 40, 1, 1);  // the block at 0x1000 was freed where we could not see it
  REQUIRE(blocks.ended_unseen().size() == 1);
  CHECK(blocks.ended_unseen()[0].size == 100);
  CHECK(blocks.ended_unseen()[0].ordinal == 0);
  blocks.clear_ended_unseen();
  std::optional<LiveBlocks::Block> freed = blocks.remove(0x1000);
  REQUIRE(freed);
  CHECK(freed->size == 40);
  CHECK_FALSE(blocks.remove(0x1000));
}

// Young blocks live in a small cache in front of the table; those that outlive it move on
// and forget their ordinal. Either way a free must find its block. A reused address ends
// a young block at once, and a block in the table once the new block moves on too.
TEST_CASE("blocks are found whether they died young or moved on to the table") {
  LiveBlocks blocks;
  std::vector<uint64_t> addresses;
  for (uint64_t i = 1; i <= 100000; ++i) addresses.push_back(i * 48);
  uint64_t ordinal = 0;
  for (uint64_t address : addresses) blocks.add(address, 8, uint32_t(address % 5), ordinal++);
  std::shuffle(addresses.begin(), addresses.end(), std::mt19937_64(7));
  size_t known_ordinals = 0;
  for (size_t i = 0; i < addresses.size() / 2; ++i) {
    std::optional<LiveBlocks::Block> freed = blocks.remove(addresses[i]);
    REQUIRE(freed);
    CHECK(freed->stack_id == addresses[i] % 5);
    known_ordinals += freed->ordinal != LiveBlocks::kOrdinalUnknown;
  }
  CHECK(known_ordinals > 0);
  CHECK(known_ordinals < 4096);
  for (size_t i = addresses.size() / 2; i < addresses.size(); ++i) blocks.add(addresses[i], 16, 7, ordinal++);
  for (uint64_t i = 1; i <= 100000; ++i) blocks.add((1ull << 40) + i * 16, 1, 8, ordinal++);  // moves the others on
  CHECK(blocks.ended_unseen().size() == 50000);
  CHECK(std::all_of(blocks.ended_unseen().begin(), blocks.ended_unseen().end(),
                    [](const LiveBlocks::Block& b) { return b.size == 8; }));
  blocks.clear_ended_unseen();
  size_t found = 0;
  for (uint64_t address : addresses) {
    std::optional<LiveBlocks::Block> freed = blocks.remove(address);
    if (!freed) continue;
    CHECK(freed->size == 16);
    ++found;
  }
  CHECK(found == 50000);  // the first half was freed already
}

TEST_CASE("blocks of 4 GiB and more, and at address 0, keep their exact size") {
  constexpr uint64_t kHuge = (5ull << 30) + 3;
  LiveBlocks blocks;
  blocks.add(0x1000, kHuge, 0, 0);
  blocks.add(0, 7, 2, 1);
  blocks.add(0x1000, kHuge + 1, 1, 2);  // ends the first huge block
  REQUIRE(blocks.ended_unseen().size() == 1);
  CHECK(blocks.ended_unseen()[0].size == kHuge);
  std::optional<LiveBlocks::Block> huge = blocks.remove(0x1000);
  REQUIRE(huge);
  CHECK(huge->size == kHuge + 1);
  CHECK(huge->stack_id == 1);
  std::optional<LiveBlocks::Block> zero = blocks.remove(0);
  REQUIRE(zero);
  CHECK(zero->size == 7);
}

}  // namespace leakrank
