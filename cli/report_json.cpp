#include "cli/report_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace leakrank::cli {
namespace {

using json = nlohmann::ordered_json;  // keeps the renderer's key order

size_t sites_omitted(const Analysis& analysis, size_t top) {
  return top == 0 ? 0 : analysis.sites.size() - std::min(top, analysis.sites.size());
}

// A copy of report with "sites_omitted" right after "sites", where a reader looks for it.
json with_sites_omitted(const json& report, size_t omitted) {
  json counted = json::object();
  for (const auto& [key, value] : report.items()) {
    counted[key] = value;
    if (key == "sites") counted["sites_omitted"] = omitted;
  }
  return counted;
}

}  // namespace

std::string report_json(const Analysis& process, const ReportOptions& options, std::span<const Analysis> children) {
  json report = json::parse(render_report_json(process, options, children));
  if (report.contains("children"))
    for (size_t i = 0; i < children.size(); ++i)
      report["children"][i] = with_sites_omitted(report["children"][i], sites_omitted(children[i], options.top));
  report = with_sites_omitted(report, sites_omitted(process, options.top));
  // As the renderer dumps it; its text is valid UTF-8 already.
  return report.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace leakrank::cli
