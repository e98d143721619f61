#pragma once
// Text fitted to the room it has: a terminal column or a legend in a chart.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace leakrank {

// The narrowest text laid out for a terminal: narrower ones get lines this long, and wrap them.
constexpr size_t kMinTextColumns = 40;

// Whether a piece of text fits where it goes: in columns, or in pixels for a chart.
using Fits = std::function<bool(std::string_view)>;

// Columns a UTF-8 text takes in a terminal: one per character (names hold no wide ones).
size_t display_width(std::string_view utf8);

// The text as it is when it fits, else its head and tail around "…", as much of both as
// fits: the tail of a site holds its file and line, the head its class.
std::string cut_in_middle(std::string_view text, const Fits& fits);
std::string cut_in_middle(std::string_view text, size_t columns);

// Fits in that many bytes. Terminal text is measured so: byte-counting tools (mawk's length,
// cut -c) then agree, and a line holding "…" only looks a little shorter than it could be.
Fits fits_in_bytes(size_t bytes);

// Words filled into lines of at most width bytes, joined by "\n" + indent; a word longer
// than a line is cut in the middle.
std::string wrap_words(std::string_view text, size_t width, std::string_view indent);

// Like wrap_words, but lines break after ", " or ": " where they can, so that a phrase a
// reader (or a script's grep) looks for stays on one line; a clause longer than a line is
// filled word by word.
std::string wrap_clauses(std::string_view text, size_t width, std::string_view indent);

}  // namespace leakrank
