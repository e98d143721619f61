#include "analyzer/teardown.h"

#include <algorithm>

namespace leakrank {
namespace {

constexpr double kReleasedShareOfPeak = 1.0 / 3;  // a release gives back at least this much of the peak
constexpr double kRiseShareOfPeak = 0.1;          // a rise of this much on the way down is a new phase
constexpr double kAllocatedShareOfReleased = 0.25;  // while releasing, at most this much is allocated again

// A level counts once the heap held it for two points in a row, so a momentary spike (a table
// being resized) is not mistaken for one.
double held_level(std::span<const TimePoint> live, size_t i) {
  return i + 1 < live.size() ? double(std::min(live[i].bytes, live[i + 1].bytes)) : double(live[i].bytes);
}

// The top of the decline that ends the curve. Walking back from the end, the held level keeps
// rising (small dips allowed) until the decline's start; its top is the latest point within
// the dips' allowance of the highest level held there: a program that dipped and rose again
// before it exited (a last batch of work) begins its release after that batch, not at the
// earlier peak.
size_t decline_top(std::span<const TimePoint> live, double tolerance) {
  auto held = [&](size_t i) { return held_level(live, i); };
  double highest = held(live.size() - 1);
  for (size_t i = live.size() - 1; i-- > 0;) {
    if (held(i) + tolerance < highest) break;
    highest = std::max(highest, held(i));
  }
  size_t top = live.size() - 1;
  while (top > 0 && double(live[top].bytes) + tolerance < highest) --top;
  return top;
}

// The deepest fall from a level held earlier, among the first `count` points.
double deepest_fall(std::span<const TimePoint> live, size_t count) {
  double highest_held = 0, deepest = 0;
  for (size_t i = 0; i < count; ++i) {
    deepest = std::max(deepest, highest_held - double(live[i].bytes));
    highest_held = std::max(highest_held, held_level(live, i));
  }
  return deepest;
}

// Bytes allocated since the start, as last seen at or before time_s.
double allocated_by(std::span<const TimePoint> allocated, double time_s) {
  auto after = std::upper_bound(allocated.begin(), allocated.end(), time_s,
                                [](double t, const TimePoint& point) { return t < point.time_s; });
  return after == allocated.begin() ? 0.0 : double(std::prev(after)->bytes);
}

}  // namespace

std::optional<double> teardown_start_s(const HeapHistory& heap) {
  if (heap.live.size() < 3) return std::nullopt;
  auto peak = std::max_element(heap.live.begin(), heap.live.end(),
                               [](const TimePoint& a, const TimePoint& b) { return a.bytes < b.bytes; });
  double peak_bytes = double(peak->bytes);
  size_t start = decline_top(heap.live, kRiseShareOfPeak * peak_bytes);
  const TimePoint& top = heap.live[start];
  double released = double(top.bytes) - double(heap.live_at_end);
  bool built = top.bytes > heap.live.front().bytes;  // a heap that only shrank built nothing to tear down
  if (start == 0 || !built || released < kReleasedShareOfPeak * peak_bytes) return std::nullopt;
  double allocated_while_releasing = double(heap.allocated_at_end) - allocated_by(heap.allocated, top.time_s);
  if (allocated_while_releasing > kAllocatedShareOfReleased * released) return std::nullopt;
  // The run gave back as much before and went on: this is one more reset of a structure it
  // rebuilds (a cache emptied every so often), caught by the end, not its exit. A teardown
  // frees what every reset kept as well.
  if (deepest_fall(heap.live, start) >= released) return std::nullopt;
  // The point before the top: records are stamped a drained batch at a time, and the top's
  // batch may already hold the release's first frees.
  return heap.live[start - 1].time_s;
}

}  // namespace leakrank
