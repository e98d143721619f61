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
  heap.alloc(1, 100, 0);
  heap.alloc(2, 50, 1);
  heap.alloc(3, 25, 1);
  heap.free(50, 1);
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
  heap.alloc(10, 100, 0);
  heap.alloc(20, 300, 1);  // peak: 400
  heap.free(300, 1);
  heap.alloc(30, 200, 0);  // 300: below the peak
  CHECK(heap.peak_bytes() == 400);
  CHECK(heap.peak_time_ns() == 20);
  CHECK(heap.stacks()[0].bytes_at_peak == 100);
  CHECK(heap.stacks()[1].bytes_at_peak == 300);

  heap.alloc(40, 500, 1);  // new peak: 800
  CHECK(heap.peak_bytes() == 800);
  CHECK(heap.stacks()[0].bytes_at_peak == 300);
  CHECK(heap.stacks()[1].bytes_at_peak == 500);
}

// A damaged recording may name any stack id: per-stack tables must not be sized by it.
TEST_CASE("an allocation or free naming a stack id past the limit counts under stack 0") {
  LiveHeap heap;
  heap.limit_stack_ids(3);
  heap.alloc(1, 64, 3);
  heap.alloc(2, 32, 4'000'000'000u);
  CHECK(heap.stacks().size() == 4);
  CHECK(heap.stacks()[3].live_bytes == 64);
  CHECK(heap.stacks()[0].live_bytes == 32);
  heap.free(32, 4'000'000'000u);
  CHECK(heap.stacks()[0].live_bytes == 0);
}

TEST_CASE("sampled allocations stand for their expected share of the heap") {
  constexpr double kSampleBytes = 1024;
  LiveHeap heap(1024);
  heap.alloc(1, 1024, 0);
  double probability = 1 - std::exp(-1024 / kSampleBytes);
  CHECK(heap.live_bytes() == doctest::Approx(1024 / probability));
  CHECK(heap.live_allocations() == doctest::Approx(1 / probability));
  heap.alloc(2, 1 << 20, 0);  // big allocations are always sampled: weight ~1
  CHECK(heap.stacks()[0].live_bytes == doctest::Approx(1024 / probability + (1 << 20)));
  heap.free(1024, 0);
  heap.free(1 << 20, 0);
  CHECK(std::abs(heap.live_bytes()) < 1e-6);
}

TEST_CASE("changed stacks are listed once until cleared") {
  LiveHeap heap;
  heap.alloc(1, 1, 3);
  heap.alloc(2, 1, 3);
  heap.alloc(3, 1, 1);
  CHECK(changed(heap) == std::vector<uint32_t>{3, 1});
  heap.clear_changed();
  CHECK(changed(heap).empty());
  heap.free(1, 3);
  CHECK(changed(heap) == std::vector<uint32_t>{3});
}

TEST_CASE("a temporary free counts towards its stack's temporary allocations") {
  LiveHeap heap;
  heap.alloc(1, 10, 0);
  heap.free(10, 0, true);
  heap.alloc(2, 10, 1);
  heap.free(10, 1);
  CHECK(heap.temporary_allocations() == 1);
  CHECK(heap.stacks()[0].temporary_allocations == 1);
  CHECK(heap.stacks()[1].temporary_allocations == 0);
  CHECK(heap.live_allocations() == 0);
}

TEST_CASE("a window restarts totals and the peak but keeps live blocks") {
  LiveHeap heap;
  heap.alloc(1, 1000, 0);
  heap.alloc(2, 10, 0);
  heap.free(1000, 0);
  heap.start_window(5);
  CHECK(heap.total_allocations() == 0);
  CHECK(heap.total_frees() == 0);
  CHECK(heap.peak_bytes() == 10);
  CHECK(heap.peak_time_ns() == 5);
  CHECK(heap.live_bytes() == 10);
  heap.alloc(6, 20, 0);
  CHECK(heap.stacks()[0].total_allocations == 1);
  CHECK(heap.peak_bytes() == 30);
}

TEST_CASE("a replayed batch matches event-by-event replay and reports its highest moment") {
  std::vector<HeapRecord> events;
  for (uint64_t i = 0; i < 1000; ++i) {
    events.push_back({i * 10, 100 + i, uint32_t(i % 7), HeapEvent::alloc});
    if (i % 3 == 0) events.push_back({i * 10 + 5, 100 + i, uint32_t(i % 7), HeapEvent::temporary_free});
    if (i % 3 == 1) events.push_back({i * 10 + 5, 100 + i / 2, uint32_t(i / 2 % 7), HeapEvent::free});
  }
  LiveHeap batched;
  HeapMoment highest = batched.replay(events);
  LiveHeap one_by_one;
  for (const HeapRecord& e : events) {
    if (e.is_free()) one_by_one.free(e.size, e.stack_id, e.event == HeapEvent::temporary_free);
    else one_by_one.alloc(e.time_ns, e.size, e.stack_id);
  }
  CHECK(batched.live_bytes() == one_by_one.live_bytes());
  CHECK(batched.peak_bytes() == one_by_one.peak_bytes());
  CHECK(batched.temporary_allocations() == one_by_one.temporary_allocations());
  CHECK(highest.bytes == one_by_one.peak_bytes());
  CHECK(highest.time_ns == one_by_one.peak_time_ns());
  for (uint32_t s = 0; s < 7; ++s) CHECK(batched.stacks()[s].live_bytes == one_by_one.stacks()[s].live_bytes);
}

}  // namespace leakrank
