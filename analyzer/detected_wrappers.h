#pragma once
// Allocation wrappers found from the recording's own stacks, for the names no rule knows
// and no --wrapper gives: a program's own xmalloc or pool_take, and the small helpers an
// optimizing compiler inlines into their callers. Either would gather distinct callers
// into one site (detected_wrappers.cpp says which functions are taken, and why).
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/symbolizer.h"

namespace leakrank {

// The program's own frames of a group of stacks, innermost first: the first frame past the
// runtime and the known wrappers, then on through the frames of the next return address
// that holds one of the program's frames (its caller, and what it was inlined into). The
// site of each stack in the group is one of these frames.
using CallPath = std::vector<const Frame*>;

// Detected wrappers: function -> how many distinct callers it was found with.
using DetectedWrappers = absl::flat_hash_map<std::string, size_t>;

// A path's site: its first frame that is no detected wrapper, or its last when all are.
size_t site_position(const CallPath& path, const DetectedWrappers& detected);

// further_out: functions that some stack holds further out than its path reaches, so
// they lead to code that allocates on its own account.
DetectedWrappers detect_wrappers(std::span<const CallPath> paths,
                                 const absl::flat_hash_set<std::string_view>& further_out);

}  // namespace leakrank
