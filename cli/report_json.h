#pragma once
// The report's JSON as report --format json and export --format json print it: the
// renderer's JSON, key for key, plus "sites_omitted" after "sites": how many sites --top
// left out, in the report and in each child report, as the text report says "... N more".
#include <span>
#include <string>

#include "analyzer/analysis.h"
#include "analyzer/report.h"

namespace leakrank::cli {

std::string report_json(const Analysis& process, const ReportOptions& options,
                        std::span<const Analysis> children = {});

}  // namespace leakrank::cli
