#pragma once
// Where the shared libraries that ship with leakrank are: next to the leakrank binary in a
// build tree, in ../lib/leakrank/ relative to it once installed.
#include <optional>
#include <string>
#include <string_view>

namespace leakrank {

// The library's full path; nullopt when it is in neither place.
std::optional<std::string> find_installed_library(std::string_view file_name);

}  // namespace leakrank
