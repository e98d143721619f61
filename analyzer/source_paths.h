#pragma once
// Source paths as a reader in a folder wants them: relative to that folder when the files
// are under it, else relative to the folder the program's sources share, which a report
// names once. Absolute checkout paths made every site line of a report wrap.
#include <span>
#include <string>
#include <string_view>

#include "analyzer/analysis.h"

namespace leakrank {

class SourcePaths {
 public:
  SourcePaths() = default;  // paths shown as they were recorded
  SourcePaths(std::span<const Site> sites, std::string_view working_dir);
  // The same from the source files alone, for sites that are no Site (diff's).
  SourcePaths(std::span<const std::string_view> files, std::string_view working_dir);

  std::string shown(std::string_view path) const;
  // The folder paths outside the working folder are shown from, "" for none.
  const std::string& root() const { return root_; }

 private:
  std::string working_dir_;  // with a trailing '/'
  std::string root_;         // with a trailing '/'
};

}  // namespace leakrank
