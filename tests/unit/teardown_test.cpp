#include "analyzer/teardown.h"

#include <doctest/doctest.h>

#include <vector>

namespace leakrank {
namespace {

// A history sampled every 0.1 s: live bytes as given, allocations as the sum of every rise
// plus `churn` bytes a step (allocated and freed again within the step).
struct History {
  std::vector<TimePoint> live, allocated;
  uint64_t total = 0;

  History(std::vector<uint64_t> values, uint64_t churn = 0) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0 && values[i] > values[i - 1]) total += values[i] - values[i - 1];
      if (i > 0) total += churn;
      live.push_back({0.1 * double(i), values[i]});
      allocated.push_back({0.1 * double(i), total});
    }
  }
  std::optional<double> teardown() const {
    return teardown_start_s({live, allocated, live.back().time_s, live.back().bytes, total});
  }
};

TEST_CASE("a heap built all run and freed at the end has a teardown before the fall") {
  History heap({0, 100, 200, 300, 400, 500, 0});
  REQUIRE(heap.teardown());
  CHECK(*heap.teardown() == doctest::Approx(0.4));  // the point before the top, 0.5 s
}

TEST_CASE("a slow teardown that frees half the heap is one too") {
  History heap({0, 200, 400, 600, 800, 700, 600, 500, 400});
  REQUIRE(heap.teardown());
  CHECK(*heap.teardown() == doctest::Approx(0.4));  // the top is 700, the last level held
}

TEST_CASE("a spike in the build-up (a table resized) does not move the teardown into it") {
  History heap({0, 100, 200, 600, 280, 290, 300, 310, 0});
  REQUIRE(heap.teardown());
  CHECK(*heap.teardown() == doctest::Approx(0.6));  // the point before 310 at 0.7 s
}

TEST_CASE("a plateau before the teardown belongs to the run") {
  History heap({0, 100, 200, 200, 200, 200, 0});
  REQUIRE(heap.teardown());
  CHECK(*heap.teardown() == doctest::Approx(0.4));
}

TEST_CASE("no teardown: the heap ends near its peak") {
  CHECK_FALSE(History({0, 100, 200, 300, 400, 390}).teardown());
}

TEST_CASE("no teardown: the fall is followed by a new rise") {
  CHECK_FALSE(History({0, 100, 200, 300, 0, 100, 200}).teardown());
}

TEST_CASE("no teardown: the program kept allocating while its heap shrank") {
  CHECK_FALSE(History({0, 100, 200, 300, 250, 200, 150, 100}, 100).teardown());
}

TEST_CASE("no teardown: the run ends just after one more reset of a cache it keeps rebuilding") {
  CHECK_FALSE(History({0, 100, 200, 300, 300, 0, 100, 200, 300, 300, 0, 100, 200, 290, 290, 20}).teardown());
}

TEST_CASE("a teardown after resets frees more than any of them: what they kept too") {
  History heap({0, 100, 200, 300, 300, 20, 120, 220, 320, 320, 40, 140, 240, 340, 340, 0});
  REQUIRE(heap.teardown());
  CHECK(*heap.teardown() == doctest::Approx(1.3));  // the point before the last top, 1.4 s
}

TEST_CASE("no teardown: a heap that only ever shrank") {
  CHECK_FALSE(History({500, 400, 300, 0}).teardown());
}

}  // namespace
}  // namespace leakrank
