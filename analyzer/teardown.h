#pragma once
// The run's final release. A program that frees what it built on its way out (interpreter
// finalization, destructors run from main or atexit) ends with a heap far below its peak, and
// judged at exit every site that grew all run would read as "freed" or as levelled off.
// Sites are judged on the run before the release instead, so one that grew until then still
// reads as growing.
#include <optional>
#include <span>

#include "analyzer/analysis.h"

namespace leakrank {

struct HeapHistory {
  std::span<const TimePoint> live;       // live heap bytes over time, ending at the process's exit
  std::span<const TimePoint> allocated;  // bytes allocated since the start, over time
  double end_s = 0;
  uint64_t live_at_end = 0;
  uint64_t allocated_at_end = 0;
};

// The last instant before the release began; nothing when the run did not end in one. A
// release is the decline that ends the run, with no new rise on the way down, that gives
// back a good share of the run's peak while the program allocates little: it is freeing,
// not working (a cache that evicts as it fills, or a sawtooth's reset, allocates again). It
// also gives back more than any fall before it: a run that ends just after one more reset of
// a structure it keeps rebuilding has not begun to exit.
std::optional<double> teardown_start_s(const HeapHistory& heap);

}  // namespace leakrank
