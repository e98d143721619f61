#include "recorder/installed_library.h"

#include <filesystem>

namespace leakrank {

std::optional<std::string> find_installed_library(std::string_view file_name) {
  std::error_code error;
  std::filesystem::path binary_dir = std::filesystem::read_symlink("/proc/self/exe", error).parent_path();
  for (std::filesystem::path folder : {binary_dir, binary_dir / "../lib/leakrank"}) {
    std::filesystem::path candidate = folder / file_name;
    if (!error && std::filesystem::exists(candidate, error)) return std::filesystem::weakly_canonical(candidate).string();
  }
  return std::nullopt;
}

}  // namespace leakrank
