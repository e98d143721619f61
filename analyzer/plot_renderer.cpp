#include "analyzer/plot_renderer.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "analyzer/byte_size.h"
#include "analyzer/readable_names.h"
#include "analyzer/text_fit.h"

namespace leakrank {
namespace {

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error("plot: " + message); }

void check(cairo_status_t status, std::string_view what) {
  if (status != CAIRO_STATUS_SUCCESS) fail(fmt::format("{}: {}", what, cairo_status_to_string(status)));
}

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

// ---------------------------------------------------------------------------------------------
// Units and scales

struct ByteUnit {
  std::string_view name;
  double bytes;
};
constexpr std::array<ByteUnit, 4> kByteUnits{{{"B", 1.0}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}}};
constexpr size_t kAxisSmallestUnit = 1;  // the y axis counts in KiB at least: bytes are noise

// The largest unit in which the value is still at least 1.
ByteUnit unit_for(double bytes, size_t smallest = 0) {
  size_t index = smallest;
  while (index + 1 < kByteUnits.size() && std::abs(bytes) >= kByteUnits[index + 1].bytes) ++index;
  return kByteUnits[index];
}

struct Range {
  double lo = 0, hi = 1;
  double span() const { return hi - lo; }
  bool contains(double value) const { return value >= lo && value <= hi; }
};

// Steps of 1, 2 or 5 times a power of ten: tick labels that read at a glance.
double nice_step(double span, int target_ticks) {
  double raw = span / std::max(target_ticks, 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double residual = raw / magnitude;
  double nice = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10;  // nearest, roughly
  return nice * magnitude;
}

struct Axis {
  Range range;  // in display units (seconds, or bytes divided by the unit)
  double step = 1;

  std::vector<double> ticks() const {
    std::vector<double> values;
    double tolerance = step * 1e-6;
    double first = std::ceil((range.lo - tolerance) / step) * step;
    for (double v = first; v <= range.hi + tolerance; v = first + values.size() * step)
      values.push_back(std::abs(v) < tolerance ? 0.0 : v);
    return values;
  }
  std::string label(double value) const {
    int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    return fmt::format("{:.{}f}", value, decimals);
  }
};

int target_ticks(double length_px, double px_per_tick) {
  return std::clamp(static_cast<int>(length_px / px_per_tick), 2, 10);
}

// ---------------------------------------------------------------------------------------------
// What is in view

bool is_total(const PlotSeries& series) { return series.role != PlotSeries::Role::site; }

size_t point_count(const PlotSeries& series) { return std::min(series.times_s.size(), series.bytes.size()); }

Range time_range(const PlotSpec& spec) {
  if (spec.window) {
    auto [lo, hi] = *spec.window;
    if (lo > hi) std::swap(lo, hi);
    return {lo, hi > lo ? hi : lo + 1};
  }
  // Recordings start at 0 s; starting the axis there keeps overlaid runs aligned.
  Range range{0, 0};
  for (const PlotSeries& series : spec.series)
    for (size_t i = 0; i < point_count(series); ++i) {
      range.lo = std::min(range.lo, series.times_s[i]);
      range.hi = std::max(range.hi, series.times_s[i]);
    }
  if (range.hi <= range.lo) range.hi = range.lo + 1;
  return range;
}

template <typename Visit>
void for_each_visible_point(const PlotSeries& series, Range x, Visit visit) {
  for (size_t i = 0; i < point_count(series); ++i)
    if (x.contains(series.times_s[i])) visit(series.times_s[i], series.bytes[i]);
}

double highest_visible_bytes(const PlotSpec& spec, Range x) {
  double highest = 0;
  for (const PlotSeries& series : spec.series)
    for_each_visible_point(series, x, [&](double, double bytes) { highest = std::max(highest, bytes); });
  for (const PlotMarker& marker : spec.markers)
    if (x.contains(marker.time_s)) highest = std::max(highest, marker.bytes);
  return highest;
}

bool has_visible_points(const PlotSpec& spec, Range x) {
  return std::any_of(spec.series.begin(), spec.series.end(), [&](const PlotSeries& series) {
    bool any = false;
    for_each_visible_point(series, x, [&](double, double) { any = true; });
    return any;
  });
}

std::optional<double> least_squares_slope(const PlotSeries& series, Range x) {
  double n = 0, sum_t = 0, sum_b = 0, sum_tt = 0, sum_tb = 0;
  for_each_visible_point(series, x, [&](double t, double b) {
    n += 1, sum_t += t, sum_b += b, sum_tt += t * t, sum_tb += t * b;
  });
  double spread = n * sum_tt - sum_t * sum_t;
  if (n < 2 || spread <= 1e-12 * std::max(1.0, sum_tt)) return std::nullopt;
  return (n * sum_tb - sum_t * sum_b) / spread;
}

// ---------------------------------------------------------------------------------------------
// Look

struct Rgb {
  double r, g, b;
};
constexpr Rgb hex(uint32_t rgb) {
  return {((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0};
}

// Okabe-Ito, readable with the common colour-vision deficiencies; its yellow is too pale on
// white, so wine and olive from Paul Tol's palette complete the eight.
constexpr std::array<Rgb, 8> kPalette{hex(0x0072B2), hex(0xD55E00), hex(0x009E73), hex(0xCC79A7),
                                      hex(0xE69F00), hex(0x56B4E9), hex(0x882255), hex(0x999933)};
constexpr Rgb kInk = hex(0x1f1f1f);
constexpr Rgb kMutedInk = hex(0x666666);
constexpr Rgb kAxisInk = hex(0x8c8c8c);
constexpr Rgb kGrid = hex(0xe6e6e6);
constexpr Rgb kRssInk = hex(0x1a1a1a);
constexpr Rgb kHeapInk = hex(0x595959);
constexpr const char* kFontFamily = "sans-serif";

struct LineStyle {
  Rgb colour;
  double width;
  std::vector<double> dash;  // empty: solid
};

// One RSS and one heap are drawn dark. Overlaid runs bring several: the n-th RSS and the n-th
// heap are taken as one run and share palette colour n, their dash telling them apart.
// Sites take the colours after the runs'.
std::vector<LineStyle> line_styles(const std::vector<PlotSeries>& series) {
  auto count_role = [&](PlotSeries::Role role) {
    return static_cast<size_t>(
        std::count_if(series.begin(), series.end(), [&](const PlotSeries& s) { return s.role == role; }));
  };
  size_t rss_count = count_role(PlotSeries::Role::rss), heap_count = count_role(PlotSeries::Role::heap);
  size_t runs = rss_count > 1 || heap_count > 1 ? std::max(rss_count, heap_count) : 0;
  const std::vector<double> rss_dash{7, 4};
  auto from_palette = [](size_t index, double width, std::vector<double> dash) {
    if (index >= kPalette.size() && dash.empty()) dash = {8, 3, 2, 3};  // the colours came round again
    return LineStyle{kPalette[index % kPalette.size()], width, std::move(dash)};
  };

  std::vector<LineStyle> styles;
  size_t rss_seen = 0, heap_seen = 0, sites_seen = 0;
  for (const PlotSeries& s : series) {
    switch (s.role) {
      case PlotSeries::Role::rss:
        styles.push_back(runs ? from_palette(rss_seen++, 2.6, rss_dash) : LineStyle{kRssInk, 2.6, rss_dash});
        break;
      case PlotSeries::Role::heap:
        styles.push_back(runs ? from_palette(heap_seen++, 2.6, {}) : LineStyle{kHeapInk, 2.6, {}});
        break;
      case PlotSeries::Role::site:
        styles.push_back(from_palette(runs + sites_seen++, 1.8, {}));
        break;
    }
  }
  return styles;
}

void use_colour(cairo_t* cr, Rgb colour, double alpha = 1) {
  cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, alpha);
}

void use_line(cairo_t* cr, const LineStyle& style) {
  use_colour(cr, style.colour);
  cairo_set_line_width(cr, style.width);
  cairo_set_dash(cr, style.dash.data(), static_cast<int>(style.dash.size()), 0);
  cairo_set_line_cap(cr, style.dash.empty() ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

// ---------------------------------------------------------------------------------------------
// Text

void use_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  return extents.x_advance;
}

enum class Align { left, centre, right };

// Draws text whose vertical middle is at y, anchored at x.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, Align align = Align::left) {
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  double width = text_width(cr, text);
  double left = align == Align::left ? x : align == Align::centre ? x - width / 2 : x - width;
  cairo_move_to(cr, left, y + (font.ascent - font.descent) / 2);
  cairo_show_text(cr, text.c_str());
}

// Cuts the middle out of text wider than max_width: head and tail stay.
std::string elide_middle(cairo_t* cr, const std::string& text, double max_width) {
  return cut_in_middle(text, [&](std::string_view piece) { return text_width(cr, std::string(piece)) <= max_width; });
}

// "f(int) (file.cpp:42)" -> {"f(int)", " (file.cpp:42)"}; the location tells sites apart.
std::pair<std::string, std::string> split_location(const std::string& label) {
  size_t open = label.rfind(" (");
  if (open == std::string::npos || label.back() != ')') return {label, ""};
  std::string_view inside = std::string_view(label).substr(open + 2, label.size() - open - 3);
  size_t colon = inside.rfind(':');
  bool is_location = colon != std::string_view::npos && colon + 1 < inside.size() &&
                     inside.find_first_of("()") == std::string_view::npos &&
                     inside.substr(colon + 1).find_first_not_of("0123456789") == std::string_view::npos;
  if (!is_location) return {label, ""};
  return {label.substr(0, open), label.substr(open)};
}

// "base: f(int) (file.cpp:42)" -> {"base: ", "f(int) (file.cpp:42)"}: an overlaid run's prefix,
// which shortening the name must keep. A C++ name holds "::", never ": ".
std::pair<std::string, std::string> split_run_prefix(const std::string& label) {
  size_t colon = label.find(": ");
  if (colon == std::string::npos || colon == 0 || label[colon - 1] == ':') return {"", label};
  return {label.substr(0, colon + 2), label.substr(colon + 2)};
}

// C++ names get shorter in steps that keep their meaning; only then is the middle cut.
std::string fit_label(cairo_t* cr, const std::string& label, double max_width) {
  if (text_width(cr, label) <= max_width) return label;
  auto [prefix, site] = split_run_prefix(label);
  auto [name, location] = split_location(site);
  std::string shorter = fit_function_name(name, [&](std::string_view form) {
    return text_width(cr, prefix + std::string(form) + location) <= max_width;
  });
  return elide_middle(cr, prefix + shorter + location, max_width);
}

// ---------------------------------------------------------------------------------------------
// Layout

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
  bool contains(double px, double py) const { return px >= x && px <= right() && py >= y && py <= bottom(); }
};

constexpr double kPad = 16;
constexpr double kTitleSize = 18, kTickSize = 12, kAxisTitleSize = 12, kLegendSize = 12;
constexpr double kTitleBand = 36;
constexpr double kBelowPlot = 48;  // tick labels and the x axis title
constexpr double kLegendRow = 20, kLegendSwatch = 30, kLegendGap = 8, kLegendNoteGap = 16, kLegendColumnGap = 24;

struct LegendEntry {
  size_t series_index;
  std::string text;
  std::string note;  // the slope, in a muted colour; may be empty
};

struct Legend {
  Rect area;
  int columns = 1;
  size_t rows = 0;
  std::vector<LegendEntry> entries;
  size_t hidden = 0;  // entries that did not fit, summarised in one line
  double note_right = 0;  // from the start of the label text to the right edge of the notes
};

struct Chart {
  ByteUnit unit{};
  Axis x_axis, y_axis;
  Rect title, plot;
  Legend legend;
  std::vector<LineStyle> styles;

  double px(double t) const { return plot.x + (t - x_axis.range.lo) / x_axis.range.span() * plot.w; }
  double py_of_tick(double value) const {
    return plot.bottom() - (value - y_axis.range.lo) / y_axis.range.span() * plot.h;
  }
  double py(double bytes) const { return py_of_tick(bytes / unit.bytes); }
};

// Totals first in the legend; drawn last so they stay on top of the sites.
std::vector<size_t> totals_first(const std::vector<PlotSeries>& series) {
  std::vector<size_t> order(series.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return is_total(series[i]); });
  return order;
}

Axis y_axis_for(double highest_bytes, ByteUnit unit, double plot_height) {
  double top = highest_bytes / unit.bytes * 1.05;  // headroom so the highest line is not on the frame
  if (top <= 0) top = 1;
  double step = nice_step(top, target_ticks(plot_height, 60));
  return {{0, std::ceil(top / step - 1e-9) * step}, step};
}

Legend plan_legend(cairo_t* cr, const PlotSpec& spec, const Chart& chart, double max_height) {
  Legend legend;
  std::vector<size_t> order = totals_first(spec.series);
  legend.columns = order.size() > 5 && chart.plot.w >= 640 ? 2 : 1;
  size_t max_rows = std::max<size_t>(1, static_cast<size_t>(max_height / kLegendRow));
  size_t capacity = max_rows * legend.columns;
  size_t shown = order.size() <= capacity ? order.size() : capacity - 1;
  legend.hidden = order.size() - shown;
  legend.rows = (shown + (legend.hidden > 0) + legend.columns - 1) / legend.columns;

  use_font(cr, kLegendSize);
  double widest_note = 0;
  for (size_t i = 0; i < shown; ++i) {
    std::string note;
    if (spec.show_slope)
      if (auto slope = least_squares_slope(spec.series[order[i]], chart.x_axis.range)) note = format_rate(*slope);
    widest_note = std::max(widest_note, text_width(cr, note));
    legend.entries.push_back({order[i], "", note});
  }
  double column_width = (chart.plot.w - (legend.columns - 1) * kLegendColumnGap) / legend.columns;
  double room = column_width - kLegendSwatch - kLegendGap - (widest_note > 0 ? widest_note + kLegendNoteGap : 0);
  for (LegendEntry& entry : legend.entries) entry.text = fit_label(cr, spec.series[entry.series_index].label, room);
  // Shortening can make two labels equal (overloads, runs); cutting the middle keeps both ends.
  for (LegendEntry& entry : legend.entries) {
    auto same_text = [&](const LegendEntry& other) { return &other != &entry && other.text == entry.text; };
    const std::string& label = spec.series[entry.series_index].label;
    if (entry.text != label && std::any_of(legend.entries.begin(), legend.entries.end(), same_text))
      entry.text = elide_middle(cr, label, room);
  }
  // The notes line up right-aligned in a column of their own, after the widest label.
  for (const LegendEntry& entry : legend.entries)
    legend.note_right = std::max(legend.note_right, text_width(cr, entry.text) + kLegendNoteGap + widest_note);
  return legend;
}

double widest_label(cairo_t* cr, const Axis& axis) {
  double widest = 0;
  for (double v : axis.ticks()) widest = std::max(widest, text_width(cr, axis.label(v)));
  return widest;
}

Chart plan_chart(cairo_t* cr, const PlotSpec& spec) {
  Chart chart;
  const double width = spec.width, height = spec.height;
  chart.styles = line_styles(spec.series);
  Range time = time_range(spec);
  double highest = highest_visible_bytes(spec, time);
  chart.unit = unit_for(highest, kAxisSmallestUnit);
  // The tick labels set the left margin, so the y axis is planned on an estimate of the plot height.
  chart.y_axis = y_axis_for(highest, chart.unit, 0.6 * height);
  double title_band = spec.title.empty() ? kPad / 2 : kTitleBand;

  use_font(cr, kTickSize);
  double left = kPad + kAxisTitleSize + 12 + widest_label(cr, chart.y_axis) + 8;
  double right = kPad + 12;
  chart.title = {left, kPad, width - left - right, title_band - kPad};
  chart.plot = {left, kPad + title_band, std::max(width - left - right, 1.0), 0};
  chart.x_axis = {time, nice_step(time.span(), target_ticks(chart.plot.w, 110))};

  // The legend gets what it needs, up to a third of the picture; the plot takes the rest.
  chart.legend = plan_legend(cr, spec, chart, height / 3);
  double legend_height = chart.legend.rows * kLegendRow;
  chart.plot.h = std::max(height - chart.plot.y - kBelowPlot - legend_height - kPad, 1.0);
  chart.legend.area = {left, chart.plot.bottom() + kBelowPlot, chart.plot.w, legend_height};
  return chart;
}

// ---------------------------------------------------------------------------------------------
// Drawing

// Pixel centres make one-pixel lines crisp in the PNG.
double crisp(double coordinate) { return std::round(coordinate) + 0.5; }

void draw_title(cairo_t* cr, const PlotSpec& spec, const Chart& chart) {
  if (spec.title.empty()) return;
  use_font(cr, kTitleSize, true);
  use_colour(cr, kInk);
  draw_text(cr, elide_middle(cr, spec.title, chart.title.w), chart.title.x, chart.title.y + chart.title.h / 2);
}

void draw_grid(cairo_t* cr, const Chart& chart) {
  cairo_set_line_width(cr, 1);
  use_colour(cr, kGrid);
  for (double v : chart.y_axis.ticks()) {
    double y = crisp(chart.py_of_tick(v));
    cairo_move_to(cr, chart.plot.x, y);
    cairo_line_to(cr, chart.plot.right(), y);
  }
  for (double v : chart.x_axis.ticks()) {
    double x = crisp(chart.px(v));
    cairo_move_to(cr, x, chart.plot.y);
    cairo_line_to(cr, x, chart.plot.bottom());
  }
  cairo_stroke(cr);
}

void draw_axes(cairo_t* cr, const Chart& chart) {
  const Rect& plot = chart.plot;
  use_colour(cr, kAxisInk);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, crisp(plot.x), plot.y);
  cairo_line_to(cr, crisp(plot.x), crisp(plot.bottom()));
  cairo_line_to(cr, plot.right(), crisp(plot.bottom()));
  cairo_stroke(cr);

  use_font(cr, kTickSize);
  use_colour(cr, kMutedInk);
  for (double v : chart.y_axis.ticks()) {
    draw_text(cr, chart.y_axis.label(v), plot.x - 8, chart.py_of_tick(v), Align::right);
  }
  for (double v : chart.x_axis.ticks()) draw_text(cr, chart.x_axis.label(v), chart.px(v), plot.bottom() + 14, Align::centre);

  use_font(cr, kAxisTitleSize);
  use_colour(cr, kInk);
  draw_text(cr, "time (s)", plot.x + plot.w / 2, plot.bottom() + 36, Align::centre);
  cairo_save(cr);
  cairo_translate(cr, kPad + kAxisTitleSize / 2, plot.y + plot.h / 2);
  cairo_rotate(cr, -std::numbers::pi / 2);
  draw_text(cr, fmt::format("memory ({})", chart.unit.name), 0, 0, Align::centre);
  cairo_restore(cr);
}

void draw_series(cairo_t* cr, const PlotSeries& series, const LineStyle& style, const Chart& chart) {
  size_t n = point_count(series);
  if (n == 0) return;
  use_line(cr, style);
  cairo_new_path(cr);  // text leaves a current point that arcs would join
  if (n == 1) {  // a line through one point is invisible: show the point
    cairo_arc(cr, chart.px(series.times_s[0]), chart.py(series.bytes[0]), style.width * 1.6, 0, 2 * std::numbers::pi);
    cairo_fill(cr);
    return;
  }
  cairo_move_to(cr, chart.px(series.times_s[0]), chart.py(series.bytes[0]));
  for (size_t i = 1; i < n; ++i) cairo_line_to(cr, chart.px(series.times_s[i]), chart.py(series.bytes[i]));
  cairo_stroke(cr);
}

void draw_all_series(cairo_t* cr, const PlotSpec& spec, const Chart& chart) {
  cairo_save(cr);
  const Rect& plot = chart.plot;
  cairo_rectangle(cr, plot.x - 3, plot.y - 3, plot.w + 6, plot.h + 6);  // room for the line width
  cairo_clip(cr);
  std::vector<size_t> order = totals_first(spec.series);
  for (auto it = order.rbegin(); it != order.rend(); ++it) draw_series(cr, spec.series[*it], chart.styles[*it], chart);
  cairo_restore(cr);
}

std::string marker_text(const PlotMarker& marker) {
  return marker.label.empty() ? format_bytes(marker.bytes) : marker.label + " " + format_bytes(marker.bytes);
}

// How much drawn data a box would hide: the lines, sampled every few pixels.
int data_under(const Rect& box, const PlotSpec& spec, const Chart& chart) {
  int hidden = 0;
  for (const PlotSeries& series : spec.series)
    for (size_t i = 1; i < point_count(series); ++i) {
      double x0 = chart.px(series.times_s[i - 1]), y0 = chart.py(series.bytes[i - 1]);
      double x1 = chart.px(series.times_s[i]), y1 = chart.py(series.bytes[i]);
      int steps = 1 + static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 4);
      for (int k = 0; k <= steps; ++k) hidden += box.contains(x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps);
    }
  return hidden;
}

// Beside the dot on the side that hides the least data, kept inside the plot.
Rect marker_label_box(double x, double y, double text_width, const PlotSpec& spec, const Chart& chart) {
  const double w = text_width + 8, h = 16, gap = 5;
  std::vector<Rect> candidates;
  for (double top : {y - gap - h, y + gap})
    for (double left : {x + gap, x - gap - w})
      candidates.push_back({std::clamp(left, chart.plot.x, chart.plot.right() - w),
                            std::clamp(top, chart.plot.y, chart.plot.bottom() - h), w, h});
  return *std::min_element(candidates.begin(), candidates.end(), [&](const Rect& a, const Rect& b) {
    return data_under(a, spec, chart) < data_under(b, spec, chart);
  });
}

void draw_marker(cairo_t* cr, const PlotMarker& marker, const PlotSpec& spec, const Chart& chart) {
  double x = chart.px(marker.time_s), y = chart.py(marker.bytes);
  std::string text = marker_text(marker);
  use_font(cr, kLegendSize, true);
  Rect box = marker_label_box(x, y, text_width(cr, text), spec, chart);
  use_colour(cr, hex(0xffffff), 0.85);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_fill(cr);
  use_colour(cr, kInk);
  draw_text(cr, text, box.x + 4, box.y + box.h / 2);

  cairo_new_path(cr);
  cairo_arc(cr, x, y, 5, 0, 2 * std::numbers::pi);
  use_colour(cr, hex(0xffffff));
  cairo_fill_preserve(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
  cairo_set_line_width(cr, 2.5);
  use_colour(cr, kInk);
  cairo_stroke(cr);
}

void draw_markers(cairo_t* cr, const PlotSpec& spec, const Chart& chart) {
  for (const PlotMarker& marker : spec.markers)
    if (chart.x_axis.range.contains(marker.time_s)) draw_marker(cr, marker, spec, chart);
}

void draw_no_data_note(cairo_t* cr, const PlotSpec& spec, const Chart& chart) {
  if (has_visible_points(spec, chart.x_axis.range)) return;
  use_font(cr, 14);
  use_colour(cr, kMutedInk);
  std::string note = spec.window && !spec.series.empty() ? "no samples in this time window" : "no samples";
  draw_text(cr, note, chart.plot.x + chart.plot.w / 2, chart.plot.y + chart.plot.h / 2, Align::centre);
}

void draw_legend(cairo_t* cr, const Chart& chart) {
  const Legend& legend = chart.legend;
  double column_width = (legend.area.w - (legend.columns - 1) * kLegendColumnGap) / legend.columns;
  auto cell = [&](size_t index) {  // column by column, so the totals stay together at the top
    return std::pair{legend.area.x + (index / legend.rows) * (column_width + kLegendColumnGap),
                     legend.area.y + (index % legend.rows + 0.5) * kLegendRow};
  };
  use_font(cr, kLegendSize);
  for (size_t i = 0; i < legend.entries.size(); ++i) {
    const LegendEntry& entry = legend.entries[i];
    auto [x, y] = cell(i);
    use_line(cr, chart.styles[entry.series_index]);
    cairo_move_to(cr, x + 2, y);
    cairo_line_to(cr, x + kLegendSwatch - 2, y);
    cairo_stroke(cr);
    use_colour(cr, kInk);
    draw_text(cr, entry.text, x + kLegendSwatch + kLegendGap, y);
    use_colour(cr, kMutedInk);
    draw_text(cr, entry.note, x + kLegendSwatch + kLegendGap + legend.note_right, y, Align::right);
  }
  if (legend.hidden > 0) {
    auto [x, y] = cell(legend.entries.size());
    use_colour(cr, kMutedInk);
    draw_text(cr, fmt::format("… and {} more series", legend.hidden), x + kLegendSwatch + kLegendGap, y);
  }
}

// The one drawing routine, for every surface type.
void draw_chart(cairo_surface_t* surface, const PlotSpec& spec) {
  Context owner{cairo_create(surface)};
  cairo_t* cr = owner.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  Chart chart = plan_chart(cr, spec);
  draw_title(cr, spec, chart);
  draw_grid(cr, chart);
  draw_axes(cr, chart);  // before the data: a series at zero must not vanish under the axis
  draw_all_series(cr, spec, chart);
  draw_markers(cr, spec, chart);
  draw_no_data_note(cr, spec, chart);
  draw_legend(cr, chart);
  check(cairo_status(cr), "drawing");
}

// ---------------------------------------------------------------------------------------------
// Output

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string encode_png(const PlotSpec& spec) {
  Surface surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, spec.width, spec.height)};
  check(cairo_surface_status(surface.get()), "creating the image");
  draw_chart(surface.get(), spec);
  std::string png;
  check(cairo_surface_write_to_png_stream(surface.get(), append_to_string, &png), "encoding PNG");
  return png;
}

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// cairo draws text as glyph outlines; these elements keep the words searchable and readable
// by screen readers.
std::string accessible_text(const PlotSpec& spec) {
  std::string desc = "Memory over time (seconds, bytes).";
  for (const PlotSeries& series : spec.series) desc += "\nseries: " + series.label;
  for (const PlotMarker& marker : spec.markers)
    desc += fmt::format("\nmarker: {} at {:.1f} s", marker_text(marker), marker.time_s);
  std::string title = spec.title.empty() ? "memory over time" : spec.title;
  return fmt::format("\n<title>{}</title>\n<desc>{}</desc>", xml_escaped(title), xml_escaped(desc));
}

std::string encode_svg(const PlotSpec& spec) {
  std::string svg;
  {
    Surface surface{cairo_svg_surface_create_for_stream(append_to_string, &svg, spec.width, spec.height)};
    check(cairo_surface_status(surface.get()), "creating the SVG");
    draw_chart(surface.get(), spec);
    cairo_surface_finish(surface.get());
    check(cairo_surface_status(surface.get()), "encoding SVG");
  }
  size_t svg_tag = svg.find("<svg");
  size_t tag_end = svg_tag == std::string::npos ? svg_tag : svg.find('>', svg_tag);
  if (tag_end == std::string::npos) fail("cairo produced SVG without an <svg> element");
  svg.insert(tag_end + 1, accessible_text(spec));
  return svg;
}

enum class Format { png, svg };

Format format_of(const std::string& path) {
  size_t dot = path.rfind('.');
  std::string extension = dot == std::string::npos || path.find('/', dot) != std::string::npos ? "" : path.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == "png") return Format::png;
  if (extension == "svg") return Format::svg;
  fail(fmt::format("cannot tell the format of '{}': use a .png or .svg file name", path));
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (out) out.close();
  if (!out) fail(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

}  // namespace

void render_plot(const PlotSpec& spec, const std::string& out_path) {
  Format format = format_of(out_path);
  constexpr int kLargest = 16384;  // also cairo's limit for image surfaces
  if (spec.width < 64 || spec.height < 64 || spec.width > kLargest || spec.height > kLargest)
    fail(fmt::format("picture size {}x{} is outside 64..{}", spec.width, spec.height, kLargest));
  write_file(out_path, format == Format::png ? encode_png(spec) : encode_svg(spec));
}

}  // namespace leakrank

// What `leakrank plot` looks up after loading this library, and calls as a RenderPlotFunction.
extern "C" __attribute__((visibility("default"))) void leakrank_render_plot(const leakrank::PlotSpec& spec,
                                                                           const std::string& out_path) {
  leakrank::render_plot(spec, out_path);
}
static_assert(std::is_same_v<decltype(leakrank_render_plot), leakrank::RenderPlotFunction>,
              "cli/plot.cpp casts the dlsym result to RenderPlotFunction");
