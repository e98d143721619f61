#pragma once
// Every stack of a recording with what it allocated, for the exports (analyzer/export.h).
#include <cstdint>
#include <span>
#include <vector>

#include "analyzer/symbolizer.h"

namespace leakrank {

// One distinct call stack and what it allocated: the unit of folded and pprof export.
struct StackSample {
  std::vector<uint32_t> frames;  // indexes into StackSamples::frames, innermost first, skipped frames included
  uint64_t live_bytes = 0;       // at the end of the window
  uint64_t live_allocations = 0;
  uint64_t total_bytes = 0;      // allocated inside the window
  uint64_t total_allocations = 0;
};

// Stacks with the frames they index. Stacks share most of their frames, and an interpreter's
// run a hundred deep: a copy of each frame per stack took gigabytes where this takes megabytes.
struct StackSamples {
  std::vector<Frame> frames;
  std::vector<StackSample> samples;

  // A stack whose frames are added for it alone (a site's stack, a test's); sample.frames is
  // set to them.
  void add(std::span<const Frame> stack, StackSample sample);
};

}  // namespace leakrank
