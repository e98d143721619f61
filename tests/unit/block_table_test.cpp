#include "recording/block_table.h"

#include <doctest/doctest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace leakrank {

TEST_CASE("blocks are found by address until erased") {
  BlockTable table;
  auto [slot, inserted] = table.try_emplace(0x1000);
  CHECK(inserted);
  slot->block = {100, 7};
  CHECK(table.find(0x2000) == nullptr);
  REQUIRE(table.find(0x1000) != nullptr);
  CHECK(table.find(0x1000)->block.size == 100);
  CHECK(table.find(0x1000)->block.stack_id == 7);
  auto [again, inserted_again] = table.try_emplace(0x1000);
  CHECK_FALSE(inserted_again);
  CHECK(again->block.size == 100);
  table.erase(table.find(0x1000));
  CHECK(table.find(0x1000) == nullptr);
  CHECK(table.size() == 0);
}

TEST_CASE("address 0 is a block like any other") {
  BlockTable table;
  CHECK(table.find(0) == nullptr);
  table.try_emplace(0).first->block = {5, 1};
  CHECK_FALSE(table.try_emplace(0).second);
  for (uint64_t address = 16; address < 16 * 5000; address += 16) table.try_emplace(address);  // grows
  REQUIRE(table.find(0) != nullptr);
  CHECK(table.find(0)->block.size == 5);
  table.erase(table.find(0));
  CHECK(table.find(0) == nullptr);
}

// Random inserts and erases against a reference map: erasing must keep every other block
// reachable however the probe runs overlap, through growth as well.
TEST_CASE("random inserts and erases agree with a reference map") {
  BlockTable table;
  std::unordered_map<uint64_t, uint32_t> reference;
  std::mt19937_64 random(42);
  for (int step = 0; step < 200000; ++step) {
    uint64_t address = (random() % 50000) * 16;  // few distinct addresses: many collisions and reuses
    if (random() % 3 == 0) {
      if (BlockTable::Slot* slot = table.find(address)) table.erase(slot);
      reference.erase(address);
    } else {
      table.try_emplace(address).first->block = {uint32_t(step), 0};
      reference[address] = uint32_t(step);
    }
  }
  CHECK(table.size() == reference.size() - reference.count(0));
  for (uint64_t address = 0; address < 50000 * 16; address += 16) {
    BlockTable::Slot* slot = table.find(address);
    auto expected = reference.find(address);
    REQUIRE((slot != nullptr) == (expected != reference.end()));
    if (slot) CHECK(slot->block.size == expected->second);
  }
}

// Growth moves blocks within the table, last slot first; blocks whose probe run wraps
// around the end or starts far from home are the ones that take the other path.
TEST_CASE("every block survives many doublings in place") {
  BlockTable table;
  std::mt19937_64 random(3);
  std::vector<uint64_t> addresses(300000);
  for (uint64_t& address : addresses) {
    address = (random() & 0x7fffffffff0) | 16;
    table.try_emplace(address).first->block = {uint32_t(address >> 4), 1};
  }
  size_t found = 0;
  for (uint64_t address : addresses) {
    BlockTable::Slot* slot = table.find(address);
    found += slot != nullptr && slot->block.size == uint32_t(address >> 4);
  }
  CHECK(found == addresses.size());
  CHECK(table.size() == addresses.size());
}

}  // namespace leakrank
