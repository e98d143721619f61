#pragma once
// What an analysis found wrong with a recording (truncated, an interpreter whose frames were
// not read...): one line each on stderr, after the output, so that piping it stays clean.
#include <string>
#include <vector>

namespace leakrank::cli {

void print_analysis_warnings(const std::vector<std::string>& warnings);

}  // namespace leakrank::cli
