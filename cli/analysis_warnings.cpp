#include "cli/analysis_warnings.h"

#include <fmt/core.h>

namespace leakrank::cli {

void print_analysis_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) fmt::print(stderr, "leakrank: warning: {}\n", warning);
}

}  // namespace leakrank::cli
