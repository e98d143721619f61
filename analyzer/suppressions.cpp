#include "analyzer/suppressions.h"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

namespace leakrank {
namespace {

constexpr std::string_view kLeakPrefix = "leak:";

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

// The pieces of a pattern between its `*`s; an anchor is only an anchor at the very edge.
struct Template {
  bool anchored_start = false;
  bool anchored_end = false;
  std::vector<std::string_view> pieces;
};

Template split_template(std::string_view pattern) {
  Template t;
  if (pattern.starts_with('^')) {
    t.anchored_start = true;
    pattern.remove_prefix(1);
  }
  if (pattern.ends_with('$')) {
    t.anchored_end = true;
    pattern.remove_suffix(1);
  }
  size_t begin = 0;
  while (true) {
    const auto star = pattern.find('*', begin);
    t.pieces.push_back(pattern.substr(begin, star - begin));
    if (star == std::string_view::npos) break;
    begin = star + 1;
  }
  return t;
}

}  // namespace

bool suppression_pattern_matches(std::string_view pattern, std::string_view text) {
  if (text.empty()) return false;
  const Template t = split_template(pattern);
  const size_t last = t.pieces.size() - 1;
  size_t position = 0;
  for (size_t i = 0; i <= last; ++i) {
    const std::string_view piece = t.pieces[i];
    const bool must_start_here = i == 0 && t.anchored_start;
    const bool must_end_text = i == last && t.anchored_end;
    if (must_end_text) {
      // The last piece is a suffix; it may not overlap what earlier pieces consumed.
      if (text.size() - position < piece.size() || !text.ends_with(piece)) return false;
      return !must_start_here || text.size() == piece.size();
    }
    const auto found = text.find(piece, position);
    if (found == std::string_view::npos || (must_start_here && found != 0)) return false;
    position = found + piece.size();  // leftmost match leaves the most room for the rest
  }
  return true;
}

bool Suppressions::matches(std::span<const Frame> frames) const {
  for (const std::string& pattern : patterns_) {
    for (const Frame& frame : frames) {
      if (suppression_pattern_matches(pattern, frame.function) ||
          suppression_pattern_matches(pattern, frame.file) ||
          suppression_pattern_matches(pattern, frame.module)) {
        return true;
      }
    }
  }
  return false;
}

bool Suppressions::matches(const Site& site) const {
  if (!site.frames.empty()) return matches(std::span(site.frames));
  const Frame site_frame{.function = site.function, .file = site.file, .line = site.line, .module = site.module};
  return matches(std::span(&site_frame, 1));
}

Suppressions parse_suppressions(std::string_view text, std::string_view source) {
  std::vector<std::string> patterns;
  size_t line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.starts_with('#')) continue;
    const std::string_view pattern = line.starts_with(kLeakPrefix) ? trim(line.substr(kLeakPrefix.size())) : "";
    if (pattern.empty()) {
      throw SuppressionError(
          fmt::format("{}:{}: expected 'leak:PATTERN', got '{}'", source, line_number, line));
    }
    patterns.emplace_back(pattern);
  }
  return Suppressions(std::move(patterns));
}

Suppressions load_suppressions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SuppressionError(fmt::format("cannot read suppressions file {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_suppressions(text.str(), path);
}

}  // namespace leakrank
