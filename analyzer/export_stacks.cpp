#include "analyzer/export.h"

namespace leakrank {

const StackSamples& export_stacks(const Analysis& analysis, StackSamples& from_sites) {
  if (!analysis.stacks.samples.empty()) return analysis.stacks;
  // Without per-stack data each site stands for its largest stack, carrying the site's totals.
  for (const Site& site : analysis.sites) {
    from_sites.add(site.frames, {.live_bytes = site.live_bytes, .live_allocations = site.live_allocations,
                                 .total_bytes = site.total_bytes, .total_allocations = site.total_allocations});
  }
  return from_sites;
}

}  // namespace leakrank
