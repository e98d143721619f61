#pragma once
// The wrappers a user names: --wrapper REGEX, and --wrappers-from FILE with one regular
// expression a line. How a pattern matches is AllocationWrappers' (allocation_wrappers.h).
//
//   # comment: lines whose first non-blank character is '#', and blank lines, are skipped
//   my_.*_alloc
//   Pool::take
#include <string>
#include <vector>

namespace leakrank {

// Throws std::invalid_argument saying why pattern is no ECMAScript regular expression.
void check_wrapper_pattern(const std::string& pattern);

// The patterns of a file, each checked. Throws std::invalid_argument naming the file (and
// line) when it cannot be read or a pattern is bad.
std::vector<std::string> read_wrapper_patterns(const std::string& path);

}  // namespace leakrank
