#include "analyzer/recording_diff.h"

#include <algorithm>
#include <tuple>

#include "analyzer/site_matching.h"

namespace leakrank {
namespace {

SiteMatch match_of(const SitePair& pair) {
  if (pair.base && pair.now) return SiteMatch::matched;
  return pair.now ? SiteMatch::only_new : SiteMatch::only_base;
}

SiteDiff compare(const SitePair& pair) {
  const Site& shown = pair.now ? *pair.now : *pair.base;
  const uint64_t base_size = pair.base ? pair.base->live_bytes : 0;
  const uint64_t base_count = pair.base ? pair.base->live_allocations : 0;
  SiteDiff diff{.key = shown.key, .match = match_of(pair), .function = shown.function, .file = shown.file,
                .line = shown.line, .frames = shown.frames};
  diff.size = pair.now ? pair.now->live_bytes : 0;
  diff.count = pair.now ? pair.now->live_allocations : 0;
  diff.size_diff = static_cast<int64_t>(diff.size) - static_cast<int64_t>(base_size);
  diff.count_diff = static_cast<int64_t>(diff.count) - static_cast<int64_t>(base_count);
  return diff;
}

// Largest growth first; ties by size, then key, so the output is stable run to run.
bool grows_more(const SiteDiff& a, const SiteDiff& b) {
  return std::tie(b.size_diff, b.size, a.key) < std::tie(a.size_diff, a.size, b.key);
}

// Either side's stack may be the one that names the suppressed code.
bool is_suppressed(const Suppressions& suppressions, const SitePair& pair) {
  return (pair.base && suppressions.matches(*pair.base)) || (pair.now && suppressions.matches(*pair.now));
}

}  // namespace

RecordingDiff diff_analyses(const Analysis& base, const Analysis& now, const Suppressions& suppressions,
                            GroupBy group_by) {
  RecordingDiff diff{.base_label = base.path, .new_label = now.path,
                     .base_heap_bytes = base.end_heap_bytes, .new_heap_bytes = now.end_heap_bytes};
  for (const SitePair& pair : match_sites(base.sites, now.sites, group_by)) {
    if (is_suppressed(suppressions, pair)) {
      ++diff.suppressed_sites;
      continue;
    }
    diff.sites.push_back(compare(pair));
  }
  std::sort(diff.sites.begin(), diff.sites.end(), grows_more);
  return diff;
}

std::vector<const SiteDiff*> sites_growing_over(const RecordingDiff& diff, uint64_t threshold_bytes) {
  std::vector<const SiteDiff*> failing;
  for (const SiteDiff& site : diff.sites) {
    if (site.size_diff > 0 && static_cast<uint64_t>(site.size_diff) > threshold_bytes) failing.push_back(&site);
  }
  return failing;
}

}  // namespace leakrank
