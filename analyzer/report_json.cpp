#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

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
          {"module", frame.module},     {"inlined", frame.inlined},
          {"kind", frame.python ? "python" : frame.jit ? "jit" : frame.inlined ? "inlined" : "native"}};
}

json optional_bytes(const std::optional<int64_t>& bytes) { return bytes ? json(*bytes) : json(nullptr); }

json rss_explained_json(const std::optional<RssExplained>& rss) {
  if (!rss) return nullptr;
  return {{"from_s", rss->from_s},
          {"to_s", rss->to_s},
          {"rss_growth_bytes", rss->rss_growth_bytes},
          {"heap_bytes", rss->heap_bytes},
          {"mmap_bytes", rss->mmap_bytes},
          {"other_anonymous_bytes", optional_bytes(rss->other_anonymous_bytes)},
          {"file_bytes", optional_bytes(rss->file_bytes)},
          {"mostly_unrecorded", rss->mostly_unrecorded()}};
}

json images_json(const std::vector<ProcessImage>& images) {
  json list = json::array();
  for (const ProcessImage& image : images) list.push_back({{"command", image.command}, {"start_s", image.start_s}});
  return list;
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
          {"kind", site.mapping ? "mmap" : "heap"},
          {"resets_every_s", site.growth.resets_every_s > 0 ? json(site.growth.resets_every_s) : json(nullptr)},
          {"function", site.function},
          {"file", site.file},
          {"line", site.line},
          {"frames", std::move(frames)}};
}

json skipped_wrappers_json(const std::vector<SkippedWrapper>& wrappers) {
  json list = json::array();
  for (const SkippedWrapper& wrapper : wrappers)
    list.push_back({{"function", wrapper.function}, {"reason", wrapper.reason}, {"callers", wrapper.callers}});
  return list;
}

size_t shown_sites(const Analysis& analysis, const ReportOptions& options) {
  return options.top == 0 ? analysis.sites.size() : std::min(options.top, analysis.sites.size());
}

std::string dumped(const json& value) {
  // Invalid UTF-8 in a symbol or path must not make the whole report unreadable.
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The sites as dump() lays them out inside an object whose members stand `indent` spaces in.
// Each site is made into a tree and dumped alone: their frames are most of the report, and
// as one tree every site (export) took a gigabyte. Strings escape newlines, so every newline
// of a dump starts a line to indent.
void append_sites(std::string& text, const Analysis& analysis, const ReportOptions& options, size_t indent) {
  size_t shown = shown_sites(analysis, options);
  if (shown == 0) {
    text += "[]";
    return;
  }
  const std::string element_line = "\n" + std::string(indent + 2, ' ');
  text += "[";
  for (size_t i = 0; i < shown; ++i) {
    text += i == 0 ? element_line : "," + element_line;
    for (char c : dumped(site_json(analysis.sites[i], i + 1))) {
      if (c == '\n') text += element_line;
      else text += c;
    }
  }
  text += "\n" + std::string(indent, ' ') + "]";
}

// Where a report's sites go, in the dump of a report without them; members stand `indent` in.
std::string sites_placeholder(size_t indent) { return "\n" + std::string(indent, ' ') + "\"sites\": "; }

// Every report but its sites, which append_sites() writes in their place ("sites": []).
json report_json(const Analysis& analysis, const ReportOptions& options) {
  size_t shown = shown_sites(analysis, options);
  return {{"recording", analysis.path},
          {"command", analysis.meta.command},
          {"duration_s", analysis.duration_s},
          {"peak_heap_bytes", analysis.peak_heap_bytes},
          {"end_heap_bytes", analysis.end_heap_bytes},
          {"teardown_start_s", analysis.teardown_s ? json(*analysis.teardown_s) : json(nullptr)},
          {"peak_rss_bytes", analysis.peak_rss_bytes},
          {"total_allocations", analysis.total_allocations},
          {"total_frees", analysis.total_frees},
          {"sites", json::array()},
          {"sites_omitted", analysis.sites.size() - shown},  // left out by --top
          {"estimated", analysis.estimated},
          {"complete", analysis.complete},
          {"warnings", analysis.warnings},
          {"images", images_json(analysis.images)},
          {"rss_explained", rss_explained_json(analysis.rss_explained)},
          {"skipped_wrappers", skipped_wrappers_json(analysis.skipped_wrappers)}};
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
  const std::string skeleton = dumped(report) + "\n";
  // The report's own members stand 2 in, a child's 6 (in an object in the "children" array);
  // each placeholder comes after the one before, the report's own first.
  std::string text;
  size_t copied = 0;
  auto splice_sites = [&](const Analysis& sites_of, size_t indent) {
    const std::string placeholder = sites_placeholder(indent);
    size_t at = skeleton.find(placeholder, copied) + placeholder.size();
    text.append(skeleton, copied, at - copied);
    append_sites(text, sites_of, options, indent);
    copied = at + std::string_view("[]").size();
  };
  splice_sites(analysis, 2);
  for (const Analysis& child : children) splice_sites(child, 6);
  text.append(skeleton, copied);
  return text;
}

}  // namespace leakrank
