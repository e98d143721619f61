#include "analyzer/export.h"

namespace leakrank {

std::vector<StackSample> export_stacks(const Analysis& analysis) {
  if (!analysis.stacks.empty()) return analysis.stacks;
  // Without per-stack data each site stands for its largest stack, carrying the site's totals.
  std::vector<StackSample> stacks;
  for (const Site& site : analysis.sites) {
    stacks.push_back({.frames = site.frames, .live_bytes = site.live_bytes,
                      .live_allocations = site.live_allocations, .total_bytes = site.total_bytes,
                      .total_allocations = site.total_allocations});
  }
  return stacks;
}

}  // namespace leakrank
