#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "analyzer/recorded_run.h"
#include "analyzer/report.h"

namespace leakrank {
namespace {

using json = nlohmann::ordered_json;  // keeps the documented field order

// Growth is a difference of summed sizes in doubles: a damaged recording can take it past
// what an integer holds, where a plain conversion is undefined.
int64_t whole_bytes(double bytes) {
  if (std::isnan(bytes)) return 0;
  if (bytes >= 0x1p63) return std::numeric_limits<int64_t>::max();
  if (bytes <= -0x1p63) return std::numeric_limits<int64_t>::min();
  return int64_t(bytes);
}

json frame_json(const Frame& frame) {
  return {{"function", frame.function}, {"file", frame.file}, {"line", frame.line},
          {"module", frame.module},     {"inlined", frame.inlined}};
}

json site_json(const Site& site, size_t rank) {
  json frames = json::array();
  for (const Frame& frame : site.frames) frames.push_back(frame_json(frame));
  return {{"rank", rank},
          {"verdict", to_string(site.growth.verdict)},
          {"growth_bytes", whole_bytes(site.growth.growth_bytes)},
          {"growth_allocations", site.growth_allocations},
          {"live_bytes", site.live_bytes},
          {"live_allocations", site.live_allocations},
          {"slope_bytes_per_s", site.growth.slope_bytes_per_s},
          {"peak_bytes", whole_bytes(site.growth.peak_bytes)},
          {"released_at_exit", site.growth.released_at_exit},
          {"resets_every_s", site.growth.resets_every_s > 0 ? json(site.growth.resets_every_s) : json(nullptr)},
          {"function", site.function},
          {"file", site.file},
          {"line", site.line},
          {"frames", std::move(frames)}};
}

json report_json(const Analysis& analysis, const ReportOptions& options) {
  size_t shown = options.top == 0 ? analysis.sites.size() : std::min(options.top, analysis.sites.size());
  json sites = json::array();
  for (size_t i = 0; i < shown; ++i) sites.push_back(site_json(analysis.sites[i], i + 1));
  return {{"recording", analysis.path},
          {"command", analysis.meta.command},
          {"duration_s", analysis.duration_s},
          {"peak_heap_bytes", analysis.peak_heap_bytes},
          {"end_heap_bytes", analysis.end_heap_bytes},
          {"teardown_start_s", analysis.teardown_s ? json(*analysis.teardown_s) : json(nullptr)},
          {"peak_rss_bytes", analysis.peak_rss_bytes},
          {"total_allocations", analysis.total_allocations},
          {"total_frees", analysis.total_frees},
          {"sites", std::move(sites)},
          {"sites_omitted", analysis.sites.size() - shown},  // left out by --top
          {"estimated", analysis.estimated},
          {"complete", analysis.complete},
          {"warnings", analysis.warnings}};
}

}  // namespace

std::string render_report_json(const Analysis& analysis, const ReportOptions& options,
                               std::span<const Analysis> children) {
  json report = report_json(analysis, options);
  if (!children.empty()) report["children"] = json::array();
  for (const Analysis& child : children) {
    report["children"].push_back(report_json(child, options));
    report["children"].back()["started_s"] = start_in_parent_s(analysis.meta, child.meta);
  }
  // Invalid UTF-8 in a symbol or path must not make the whole report unreadable.
  return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace leakrank
