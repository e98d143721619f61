#pragma once
// "did you mean 'report'?": the known word nearest to a mistyped one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakrank::cli {

// Edits (insert, delete, replace, swap two neighbours) that turn a into b.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate fewest edits from word, if it is close enough to be a typo of it: at most
// two edits, and fewer than the word's own length.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace leakrank::cli
