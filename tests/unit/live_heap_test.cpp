#include "analyzer/live_heap.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace leakrank {
namespace {

std::vector<uint32_t> changed(const LiveHeap& heap) {
  return {heap.changed_stacks().begin(), heap.changed_stacks().end()};
}

}  // namespace

TEST_CASE("allocations and frees add up per stack and in total") {
  LiveHeap heap;
  heap.alloc(1, 0x1000, 100, 0);
  heap.alloc(2, 0x2000, 50, 1);
  heap.alloc(3, 0x3000, 25, 1);
  heap.free(0x2000);
  CHECK(heap.live_bytes() == 125);
  CHECK(heap.live_allocations() == 2);
  CHECK(heap.total_allocations() == 3);
  CHECK(heap.total_bytes() == 175);
  CHECK(heap.total_frees() == 1);
  REQUIRE(heap.stacks().size() == 2);
  CHECK(heap.stacks()[0].live_bytes == 100);
  CHECK(heap.stacks()[1].live_bytes == 25);
  CHECK(heap.stacks()[1].live_allocations == 1);
  CHECK(heap.stacks()[1].total_allocations == 2);
}

TEST_CASE("the peak remembers when it happened and what each stack held then") {
  LiveHeap heap;
  heap.alloc(10, 0x1000, 100, 0);
  heap.alloc(20, 0x2000, 300, 1);  // peak: 400
  heap.free(0x2000);
  heap.alloc(30, 0x3000, 200, 0);  // 300: below the peak
  CHECK(heap.peak_bytes() == 400);
  CHECK(heap.peak_time_ns() == 20);
  CHECK(heap.stacks()[0].bytes_at_peak == 100);
  CHECK(heap.stacks()[1].bytes_at_peak == 300);

  heap.alloc(40, 0x4000, 500, 1);  // new peak: 800
  CHECK(heap.peak_bytes() == 800);
  CHECK(heap.stacks()[0].bytes_at_peak == 300);
  CHECK(heap.stacks()[1].bytes_at_peak == 500);
}

TEST_CASE("a free right after its own allocation is temporary") {
  LiveHeap heap;
  heap.alloc(1, 0x1000, 10, 0);
  heap.free(0x1000);  // temporary
  heap.alloc(2, 0x1000, 10, 0);
  heap.alloc(3, 0x2000, 10, 1);
  heap.free(0x1000);  // another allocation came in between: not temporary
  heap.alloc(4, 0x3000, 10, 1);
  heap.free(0x9999);  // unknown: ignored, but it breaks the pair
  heap.free(0x3000);
  CHECK(heap.temporary_allocations() == 1);
  CHECK(heap.stacks()[0].temporary_allocations == 1);
  CHECK(heap.stacks()[1].temporary_allocations == 0);
}

TEST_CASE("unknown frees are ignored and a reused live address replaces its block") {
  LiveHeap heap;
  heap.free(0x5000);
  CHECK(heap.unmatched_frees() == 1);
  CHECK(heap.live_bytes() == 0);
  heap.alloc(1, 0x1000, 100, 0);
  heap.alloc(2, 0x1000, 40, 1);  // the block at 0x1000 was freed where we could not see it
  CHECK(heap.replaced_blocks() == 1);
  CHECK(heap.live_bytes() == 40);
  CHECK(heap.stacks()[0].live_bytes == 0);
  CHECK(heap.stacks()[1].live_bytes == 40);
  heap.free(0x1000);
  CHECK(heap.live_bytes() == 0);
  CHECK(heap.stacks()[1].live_allocations == 0);
}

// Young blocks live in a small cache in front of the table; those that outlive it move on.
// Either way a free must find its block. A reused address replaces a young block at once
// and a block in the table once the new block moves on too.
TEST_CASE("blocks are found whether they died young or moved on to the table") {
  LiveHeap heap;
  std::vector<uint64_t> addresses;
  for (uint64_t i = 1; i <= 100000; ++i) addresses.push_back(i * 48);
  for (uint64_t address : addresses) heap.alloc(1, address, 8, uint32_t(address % 5));
  CHECK(heap.live_bytes() == 800000);
  std::shuffle(addresses.begin(), addresses.end(), std::mt19937_64(7));
  for (size_t i = 0; i < addresses.size() / 2; ++i) heap.free(addresses[i]);
  CHECK(heap.live_bytes() == 400000);
  for (size_t i = addresses.size() / 2; i < addresses.size(); ++i) heap.alloc(2, addresses[i], 16, 7);  // reused
  for (uint64_t i = 1; i <= 100000; ++i) heap.alloc(3, (1ull << 40) + i * 16, 1, 8);  // moves the others on
  CHECK(heap.replaced_blocks() == 50000);
  CHECK(heap.live_bytes() == 900000);
  for (uint64_t address : addresses) heap.free(address);
  CHECK(heap.unmatched_frees() == 50000);  // the first half was freed already
  CHECK(heap.live_bytes() == 100000);
  CHECK(heap.stacks()[7].live_allocations == 0);
  CHECK(heap.stacks()[8].live_allocations == 100000);
}

// A damaged recording may name any stack id: per-stack tables must not be sized by it.
TEST_CASE("an allocation naming a stack id past the limit counts under stack 0") {
  LiveHeap heap;
  heap.limit_stack_ids(3);
  heap.alloc(1, 0x1000, 64, 3);
  heap.alloc(2, 0x2000, 32, 4'000'000'000u);
  CHECK(heap.stacks().size() == 4);
  CHECK(heap.stacks()[3].live_bytes == 64);
  CHECK(heap.stacks()[0].live_bytes == 32);
  heap.free(0x2000);
  CHECK(heap.stacks()[0].live_bytes == 0);
}

TEST_CASE("sampled allocations stand for their expected share of the heap") {
  constexpr double kSampleBytes = 1024;
  LiveHeap heap(1024);
  heap.alloc(1, 0x1000, 1024, 0);
  double probability = 1 - std::exp(-1024 / kSampleBytes);
  CHECK(heap.live_bytes() == doctest::Approx(1024 / probability));
  CHECK(heap.live_allocations() == doctest::Approx(1 / probability));
  heap.alloc(2, 0x2000, 1 << 20, 0);  // big allocations are always sampled: weight ~1
  CHECK(heap.stacks()[0].live_bytes == doctest::Approx(1024 / probability + (1 << 20)));
  heap.free(0x1000);
  heap.free(0x2000);
  CHECK(std::abs(heap.live_bytes()) < 1e-6);
}

TEST_CASE("changed stacks are listed once until cleared") {
  LiveHeap heap;
  heap.alloc(1, 0x1000, 1, 3);
  heap.alloc(2, 0x2000, 1, 3);
  heap.alloc(3, 0x3000, 1, 1);
  CHECK(changed(heap) == std::vector<uint32_t>{3, 1});
  heap.clear_changed();
  CHECK(changed(heap).empty());
  heap.free(0x1000);
  CHECK(changed(heap) == std::vector<uint32_t>{3});
}

TEST_CASE("a window restarts totals and the peak but keeps live blocks") {
  LiveHeap heap;
  heap.alloc(1, 0x1000, 1000, 0);
  heap.alloc(2, 0x2000, 10, 0);
  heap.free(0x1000);
  heap.start_window(5);
  CHECK(heap.total_allocations() == 0);
  CHECK(heap.total_frees() == 0);
  CHECK(heap.peak_bytes() == 10);
  CHECK(heap.peak_time_ns() == 5);
  CHECK(heap.live_bytes() == 10);
  heap.alloc(6, 0x3000, 20, 0);
  CHECK(heap.stacks()[0].total_allocations == 1);
  CHECK(heap.peak_bytes() == 30);
}

TEST_CASE("blocks of 4 GiB and more keep their exact size") {
  constexpr uint64_t kHuge = (5ull << 30) + 3;
  LiveHeap heap;
  heap.alloc(1, 0x1000, kHuge, 0);
  heap.alloc(2, 0x2000, 7, 0);
  CHECK(heap.live_bytes() == double(kHuge + 7));
  heap.alloc(3, 0x1000, kHuge + 1, 1);  // replaces the huge block
  CHECK(heap.live_bytes() == double(kHuge + 8));
  heap.free(0x1000);
  CHECK(heap.live_bytes() == 7);
  CHECK(heap.stacks()[1].live_bytes == 0);
}

TEST_CASE("a replayed batch matches event-by-event replay and reports its highest moment") {
  std::vector<HeapRecord> events;
  for (uint64_t i = 0; i < 1000; ++i) {
    events.push_back({i * 10, 0x1000 + i * 0x40, 100 + i, uint32_t(i % 7), false});
    if (i % 3 == 0) events.push_back({i * 10 + 5, 0x1000 + (i / 2) * 0x40, 0, 0, true});
  }
  LiveHeap batched;
  HeapMoment highest = batched.replay(events);
  LiveHeap one_by_one;
  for (const HeapRecord& e : events) e.is_free ? one_by_one.free(e.address) : one_by_one.alloc(e.time_ns, e.address, e.size, e.stack_id);
  CHECK(batched.live_bytes() == one_by_one.live_bytes());
  CHECK(batched.peak_bytes() == one_by_one.peak_bytes());
  CHECK(batched.temporary_allocations() == one_by_one.temporary_allocations());
  CHECK(highest.bytes == one_by_one.peak_bytes());
  CHECK(highest.time_ns == one_by_one.peak_time_ns());
  for (uint32_t s = 0; s < 7; ++s) CHECK(batched.stacks()[s].live_bytes == one_by_one.stacks()[s].live_bytes);
}

}  // namespace leakrank
