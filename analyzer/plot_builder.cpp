#include "analyzer/plot_builder.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "recording/recording_writer.h"  // RecordingError

namespace leakrank {
namespace {
namespace fs = std::filesystem;

// What a run's labels start with: nothing for a lone run, "t1: " when runs are compared.
struct RunLabels {
  std::string prefix;
  std::string with(std::string_view label) const { return prefix + std::string(label); }
};

// shift_s: where the series' time zero lies on the plot's axis (a child's, into the run).
PlotSeries totals_series(std::string label, const std::vector<TimePoint>& points, PlotSeries::Role role,
                         double shift_s = 0) {
  PlotSeries series{std::move(label), {}, {}, role};
  for (const TimePoint& point : points) {
    series.times_s.push_back(point.time_s + shift_s);
    series.bytes.push_back(double(point.bytes));
  }
  return series;
}

bool in_window(double time_s, const PlotOptions& options) {
  return !options.window || (time_s >= options.window->first && time_s <= options.window->second);
}

// The highest point of a series inside the window (all of it without one).
std::optional<PlotMarker> highest_point(const std::vector<TimePoint>& points, const PlotOptions& options) {
  std::optional<PlotMarker> highest;
  for (const TimePoint& point : points)
    if (in_window(point.time_s, options) && (!highest || double(point.bytes) > highest->bytes))
      highest = PlotMarker{point.time_s, double(point.bytes), ""};
  return highest;
}

// The heap peak is known exactly; the thinned series may have stepped over it.
std::optional<PlotMarker> heap_peak(const Analysis& analysis, const PlotOptions& options) {
  if (analysis.peak_heap_bytes > 0 && in_window(analysis.peak_heap_time_s, options))
    return PlotMarker{analysis.peak_heap_time_s, double(analysis.peak_heap_bytes), ""};
  return highest_point(analysis.heap_series, options);
}

void add_peaks(PlotSpec& spec, const Analysis& analysis, const RunLabels& labels, const PlotOptions& options) {
  if (auto peak = heap_peak(analysis, options)) {
    peak->label = labels.with("peak heap");
    spec.markers.push_back(*peak);
  }
  if (auto peak = highest_point(analysis.rss_series, options)) {
    peak->label = labels.with("peak RSS");
    spec.markers.push_back(*peak);
  }
}

std::string child_label(const Analysis& child) {
  std::string program = child.meta.command.empty() ? "" : " " + fs::path(child.meta.command[0]).filename().string();
  return fmt::format("child {}{} heap", child.meta.pid, program);
}

// Sites that rose (still growing at the end, too short to tell, or grown to a plateau: a
// bounded cache) to a height the chart can show: below 1% of the peak heap a line lies on the axis.
bool worth_drawing(const Site& site, const Analysis& analysis) {
  return rose(site.growth.verdict) && site.growth.peak_bytes >= 0.01 * double(analysis.peak_heap_bytes);
}

// A site's line through its envelope, not through the snapshot marks: across each bucket from
// the extreme it reached first to the other, so a sawtooth between marks is drawn tooth by
// tooth and churn as a band as wide as it swings.
PlotSeries envelope_series(std::string label, const std::vector<double>& bounds_s, const Site& site) {
  PlotSeries series{std::move(label), {}, {}, PlotSeries::Role::site};
  for (size_t i = 0; i < site.live_bytes_envelope.size(); ++i) {
    const EnvelopeBucket& bucket = site.live_bytes_envelope[i];
    bool rose = bucket.high - bucket.last <= bucket.last - bucket.low;
    series.times_s.insert(series.times_s.end(), {bounds_s[i], bounds_s[i + 1]});
    series.bytes.insert(series.bytes.end(), {rose ? bucket.low : bucket.high, rose ? bucket.high : bucket.low});
  }
  return series;
}

void add_sites(PlotSpec& spec, const Analysis& analysis, const RunLabels& labels, size_t top) {
  size_t shown = 0;
  for (const Site& site : analysis.sites) {  // already ranked, fastest growth first
    if (shown == top) break;
    bool has_envelope = !site.live_bytes_envelope.empty() &&
                        site.live_bytes_envelope.size() + 1 == analysis.envelope_bounds_s.size();
    if (!worth_drawing(site, analysis) || !has_envelope) continue;
    spec.series.push_back(envelope_series(labels.with(site_plot_label(site)), analysis.envelope_bounds_s, site));
    ++shown;
  }
}

std::string default_title(const std::vector<RecordedRun>& runs) {
  if (runs.size() == 1) {
    const std::vector<std::string>& command = runs[0].process.meta.command;
    if (command.empty()) return short_recording_name(runs[0].process.path);
    std::string title = fs::path(command[0]).filename().string();  // the folder is noise in a title
    for (size_t i = 1; i < command.size(); ++i) title += " " + command[i];
    return title;
  }
  std::string title;
  for (const RecordedRun& run : runs) title += (title.empty() ? "" : " vs ") + short_recording_name(run.process.path);
  return title;
}

double parse_number(std::string_view text, std::string_view what) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument(fmt::format("invalid {}: '{}' is not a number", what, text));
  return value;
}

}  // namespace

std::string short_recording_name(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  if (name.ends_with(".lrk")) name.resize(name.size() - 4);
  if (name.starts_with("leakrank.") && name.size() > 9) name.erase(0, 9);
  return name;
}

std::string site_plot_label(const Site& site) {
  std::string function = site.function.empty() ? "?" : site.function;
  std::string where = site.file.empty() ? fs::path(site.module).filename().string() : fs::path(site.file).filename().string();
  if (where.empty()) return function;
  return site.line > 0 && !site.file.empty() ? fmt::format("{} ({}:{})", function, where, site.line)
                                             : fmt::format("{} ({})", function, where);
}

PlotSpec build_plot(const std::vector<RecordedRun>& runs, const PlotOptions& options) {
  PlotSpec spec;
  spec.title = options.title.empty() ? default_title(runs) : options.title;
  spec.width = options.width;
  spec.height = options.height;
  spec.window = options.window;
  spec.show_slope = options.show_slope;
  std::vector<RunLabels> labels;
  for (const RecordedRun& run : runs)
    labels.push_back({runs.size() > 1 ? short_recording_name(run.process.path) + ": " : ""});

  for (size_t i = 0; i < runs.size(); ++i) {
    const Analysis& process = runs[i].process;
    spec.series.push_back(totals_series(labels[i].with("RSS"), process.rss_series, PlotSeries::Role::rss));
    spec.series.push_back(totals_series(labels[i].with("heap"), process.heap_series, PlotSeries::Role::heap));
    add_peaks(spec, process, labels[i], options);
  }
  for (size_t i = 0; i < runs.size(); ++i)
    for (const Analysis& child : runs[i].children)
      spec.series.push_back(totals_series(labels[i].with(child_label(child)), child.heap_series, PlotSeries::Role::heap,
                                          start_in_parent_s(runs[i].process.meta, child.meta)));
  for (size_t i = 0; i < runs.size(); ++i) add_sites(spec, runs[i].process, labels[i], options.top_sites);
  return spec;
}

std::pair<double, double> parse_plot_window(const std::string& text) {
  size_t comma = text.find(',');
  if (comma == std::string::npos)
    throw std::invalid_argument(fmt::format("invalid window '{}': expected X0,X1 in seconds, e.g. 2,10", text));
  std::string_view all(text);
  double from = parse_number(all.substr(0, comma), "window start");
  double to = parse_number(all.substr(comma + 1), "window end");
  if (from < 0 || to <= from)
    throw std::invalid_argument(fmt::format("invalid window '{}': needs 0 <= X0 < X1", text));
  return {from, to};
}

std::pair<int, int> parse_plot_size(const std::string& text) {
  auto bad_size = [&] {
    return std::invalid_argument(fmt::format("invalid size '{}': expected WIDTHxHEIGHT, e.g. 1200x720", text));
  };
  auto dimension = [&](std::string_view part) {
    int value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc{} || end != part.data() + part.size() || part.empty() || value <= 0) throw bad_size();
    return value;
  };
  size_t x = text.find('x');
  if (x == std::string::npos) throw bad_size();
  std::string_view all(text);
  return {dimension(all.substr(0, x)), dimension(all.substr(x + 1))};
}

}  // namespace leakrank
