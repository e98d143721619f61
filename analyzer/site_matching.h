#pragma once
// Which site of one analysis is which site of another, across rebuilds. A site is known by
// what a rebuild keeps: its function and its source file's name (its module's name when it
// has no debug information). Folders do not identify a site, since every CI checkout builds
// in a new one; they only choose between files of the same name (the longest shared trailing
// path wins). Lines do not identify a site either, since an edit above an allocation moves it;
// among the sites of one function and file they pair sites in line order, drifting the least.
#include <span>
#include <vector>

#include "analyzer/analysis.h"

namespace leakrank {

struct SitePair {
  const Site* base = nullptr;  // null: the site is only in NEW
  const Site* now = nullptr;   // null: the site is only in BASE
};

// Every site of both sides exactly once: paired, or alone. group_by is how both analyses
// grouped their sites: function compares the function alone, stack every frame of the site.
std::vector<SitePair> match_sites(std::span<const Site> base, std::span<const Site> now, GroupBy group_by);

// How many trailing path components two paths share: "/ci/7/src/a/util.c" and
// "/home/me/src/a/util.c" share 3 (src, a, util.c).
size_t shared_trailing_components(std::string_view a, std::string_view b);

}  // namespace leakrank
