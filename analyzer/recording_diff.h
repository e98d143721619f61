#pragma once
// What changed between two analyses, per site, in the manner of Python's
// tracemalloc Snapshot.compare_to: live size and count on the new side and their change
// since the base. Sites match by what survives a rebuild (analyzer/site_matching.h): two
// runs compare despite their addresses, and two builds despite their folders and line drift.
#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/suppressions.h"

namespace leakrank {

// Whether a site was found on both sides, or only on one.
enum class SiteMatch { matched, only_new, only_base };

struct SiteDiff {
  std::string key;
  SiteMatch match = SiteMatch::matched;
  std::string function;  // from the new side, or the base when the site is gone
  std::string file;
  uint32_t line = 0;
  std::vector<Frame> frames;
  uint64_t size = 0;       // live bytes in NEW (0 when the site is gone)
  int64_t size_diff = 0;   // NEW minus BASE
  uint64_t count = 0;      // live allocations in NEW
  int64_t count_diff = 0;
};

struct RecordingDiff {
  std::string base_label;  // how the output names each side: the recording, or FILE@TIME
  std::string new_label;
  uint64_t base_heap_bytes = 0;  // live heap at the end of each side's window
  uint64_t new_heap_bytes = 0;
  std::vector<SiteDiff> sites;   // largest size_diff first
  size_t suppressed_sites = 0;   // left out because a suppression matched
};

// A site missing on one side counts as 0 there. Sites a suppression matches are left out.
// Each side is labelled with its recording's path. group_by is how both sides were grouped.
RecordingDiff diff_analyses(const Analysis& base, const Analysis& now, const Suppressions& suppressions = {},
                            GroupBy group_by = GroupBy::line);

// The sites whose growth exceeds threshold_bytes (the --fail-on-growth gate), largest first.
std::vector<const SiteDiff*> sites_growing_over(const RecordingDiff& diff, uint64_t threshold_bytes);

}  // namespace leakrank
