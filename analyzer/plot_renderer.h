#pragma once
// Memory-over-time charts (leakrank's answer to `mprof plot`): the process totals and the
// allocation sites that make them grow, drawn with cairo to PNG or SVG.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace leakrank {

struct PlotSeries {
  // Process totals are drawn bolder (RSS dashed, heap solid); each site gets a palette colour.
  // Overlaid runs: the n-th RSS and the n-th heap series are one run and share a colour.
  enum class Role { rss, heap, site };

  std::string label;  // "RSS", "heap", "StringStore::intern(std::string_view) (string_store.cpp:42)"
  std::vector<double> times_s;  // increasing; same length as bytes
  std::vector<double> bytes;
  Role role = Role::site;
};

// A labelled dot, e.g. the peak. The value is appended to the label: "peak 123.4 MiB".
struct PlotMarker {
  double time_s = 0;
  double bytes = 0;
  std::string label;
};

struct PlotSpec {
  std::string title;
  std::vector<PlotSeries> series;
  std::vector<PlotMarker> markers;
  int width = 1200;  // pixels for PNG, points for SVG
  int height = 720;
  std::optional<std::pair<double, double>> window;  // seconds shown on x; all of the data when empty
  bool show_slope = false;  // append the least-squares slope ("+1.2 MiB/s") to each legend entry
};

// Built into libleakrank-plot.so, which exports it as leakrank_render_plot (RenderPlotFunction).
// Writes a .png or .svg, chosen by the extension of out_path. The SVG also carries the title
// and every series label as real text (<title>, <desc>) for search and screen readers.
// Throws std::runtime_error with a one-line message on a bad extension, size or write failure.
void render_plot(const PlotSpec& spec, const std::string& out_path);
using RenderPlotFunction = void(const PlotSpec& spec, const std::string& out_path);

}  // namespace leakrank
