#pragma once
// Known leaks to ignore, in LeakSanitizer's suppression format, so a CI gate can use the
// file a project already keeps for LSan:
//
//   # comment
//   leak:PATTERN
//
// PATTERN matches a substring of any frame's function, file or module; `*` matches any run
// of characters, a leading `^` anchors at the start and a trailing `$` at the end.
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/symbolizer.h"

namespace leakrank {

// A malformed line or an unreadable file; what() is one line naming the file and line.
struct SuppressionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// True when pattern (LSan template syntax) matches text. Empty text never matches, as in LSan.
bool suppression_pattern_matches(std::string_view pattern, std::string_view text);

class Suppressions {
 public:
  Suppressions() = default;
  explicit Suppressions(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {}

  // True when any pattern matches the function, file or module of any frame.
  bool matches(std::span<const Frame> frames) const;
  // Matches the site's stack, or its own frame when the stack is unknown.
  bool matches(const Site& site) const;
  bool empty() const { return patterns_.empty(); }
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;
};

// source names the text in error messages ("lsan.supp:3: ...").
Suppressions parse_suppressions(std::string_view text, std::string_view source);
Suppressions load_suppressions(const std::string& path);

}  // namespace leakrank
