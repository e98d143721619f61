#include "analyzer/plot_renderer.h"

#include <cairo.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;
using leakrank::PlotMarker;
using leakrank::PlotSeries;
using leakrank::PlotSpec;
using leakrank::render_plot;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// A private directory for the pictures, removed when the tests end.
struct ScratchDir {
  fs::path path = fs::temp_directory_path() / ("leakrank_plot_test." + std::to_string(getpid()));
  ScratchDir() { fs::create_directories(path); }
  ~ScratchDir() { fs::remove_all(path); }
};

const fs::path& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Samples f every `step` seconds over [0, duration].
template <typename F>
PlotSeries sampled(std::string label, PlotSeries::Role role, double duration, double step, F f) {
  PlotSeries series{std::move(label), {}, {}, role};
  for (double t = 0; t <= duration + 1e-9; t += step) {
    series.times_s.push_back(t);
    series.bytes.push_back(f(t));
  }
  return series;
}

// A tokenizer run: an intern table growing sub-linearly, an error path leaking linearly,
// a cache that fills in three seconds, and a batch buffer that makes the heap peak at 21 s.
PlotSpec realistic_spec() {
  std::mt19937 noise_source(42);
  auto noise = [&](double amplitude) { return amplitude * (noise_source() / double(noise_source.max()) - 0.5); };
  auto intern = [](double t) { return 66 * kMiB * std::pow(t / 30, 0.55); };
  auto error_leak = [](double t) { return 0.95 * kMiB * t; };
  auto cache = [](double t) { return 8 * kMiB * (1 - std::exp(-t / 0.7)); };
  auto batch = [](double t) { return t >= 20.5 && t < 22 ? 26 * kMiB : 0.0; };
  auto heap = [&](double t) { return 5 * kMiB + intern(t) + error_leak(t) + cache(t) + batch(t) + noise(0.6 * kMiB); };
  // glibc keeps freed pages and fragmentation grows, so RSS runs ahead of the heap.
  auto rss = [&](double t) {
    double retained = t >= 20.5 ? 5 * kMiB : 0.0;
    return std::ceil((heap(t) + 15 * kMiB + 0.3 * kMiB * t + retained) / (0.5 * kMiB)) * 0.5 * kMiB;
  };

  PlotSpec spec;
  spec.title = "./tokenizer --docs 20000  ·  leakrank.tokenizer.4242.lrk";
  spec.series = {
      sampled("RSS", PlotSeries::Role::rss, 30, 0.25, rss),
      sampled("heap", PlotSeries::Role::heap, 30, 0.25, heap),
      sampled("StringStore::intern(std::string_view) (string_store.cpp:42)", PlotSeries::Role::site, 30, 0.5, intern),
      sampled("Tokenizer::report_error(ParseError const&, std::vector<Token, std::allocator<Token> > const&) "
              "(tokenizer.cpp:118)",
              PlotSeries::Role::site, 30, 0.5, error_leak),
      sampled("LruCache<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, "
              "Document>::insert(std::string const&, Document&&) (lru_cache.h:57)",
              PlotSeries::Role::site, 30, 0.5, cache),
  };
  const PlotSeries& heap_series = spec.series[1];
  size_t peak = std::max_element(heap_series.bytes.begin(), heap_series.bytes.end()) - heap_series.bytes.begin();
  spec.markers.push_back({heap_series.times_s[peak], heap_series.bytes[peak], "peak heap"});
  spec.show_slope = true;
  return spec;
}

struct Image {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{nullptr, cairo_surface_destroy};
  int width() const { return cairo_image_surface_get_width(surface.get()); }
  int height() const { return cairo_image_surface_get_height(surface.get()); }

  // Pixels whose channels differ a lot: only the palette colours of the series produce them,
  // the axes, grid and text are shades of grey.
  long coloured_pixels() const {
    cairo_surface_flush(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    int stride = cairo_image_surface_get_stride(surface.get());
    long count = 0;
    for (int y = 0; y < height(); ++y)
      for (int x = 0; x < width(); ++x) {
        const unsigned char* p = data + y * stride + 4 * x;  // B, G, R, A in native-endian ARGB
        int spread = std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]});
        count += spread > 80;
      }
    return count;
  }
};

Image load_png(const fs::path& path) {
  Image image;
  image.surface.reset(cairo_image_surface_create_from_png(path.c_str()));
  REQUIRE(cairo_surface_status(image.surface.get()) == CAIRO_STATUS_SUCCESS);
  return image;
}

Image render_png(const PlotSpec& spec, const std::string& name) {
  fs::path path = scratch_dir() / name;
  render_plot(spec, path);
  return load_png(path);
}

std::string render_svg(const PlotSpec& spec, const std::string& name) {
  fs::path path = scratch_dir() / name;
  render_plot(spec, path);
  return read_text(path);
}

bool looks_like_svg(const std::string& svg) {
  bool starts_well = svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0;
  return starts_well && svg.find("</svg>") != std::string::npos;
}

PlotSeries site(std::string label, std::vector<double> times, std::vector<double> bytes) {
  return {std::move(label), std::move(times), std::move(bytes), PlotSeries::Role::site};
}

}  // namespace

TEST_CASE("PNG has the requested size and shows the series") {
  PlotSpec spec = realistic_spec();
  spec.width = 900;
  spec.height = 500;
  Image image = render_png(spec, "size.png");
  CHECK(image.width() == 900);
  CHECK(image.height() == 500);
  CHECK(image.coloured_pixels() > 2000);
}

TEST_CASE("a chart without series has no series colours") {
  PlotSpec spec;
  spec.title = "nothing recorded";
  CHECK(render_png(spec, "empty.png").coloured_pixels() == 0);
}

TEST_CASE("SVG carries the title and the labels as escaped text") {
  PlotSpec spec = realistic_spec();
  spec.title = "leaks & <growth>";
  spec.series.push_back(site("Pool<Node>::grab() & friends (pool.h:9)", {0, 1, 2}, {0, kMiB, 2 * kMiB}));
  std::string svg = render_svg(spec, "labels.svg");
  CHECK(looks_like_svg(svg));
  CHECK(svg.find("<title>leaks &amp; &lt;growth&gt;</title>") != std::string::npos);
  CHECK(svg.find("Pool&lt;Node&gt;::grab() &amp; friends (pool.h:9)") != std::string::npos);
  CHECK(svg.find("StringStore::intern(std::string_view) (string_store.cpp:42)") != std::string::npos);
  CHECK(svg.find("Pool<Node>") == std::string::npos);
  CHECK(svg.find("peak heap") != std::string::npos);
}

TEST_CASE("three overlaid runs render with every label kept") {
  PlotSpec spec;
  spec.title = "tokenizer, three runs";
  for (int run = 1; run <= 3; ++run) {
    std::string file = "leakrank.tokenizer.42" + std::to_string(run) + ".lrk";
    spec.series.push_back(
        {"RSS  " + file, {0, 10, 20, 30}, {20 * kMiB, 60 * kMiB * run, 90 * kMiB * run, 120 * kMiB * run},
         PlotSeries::Role::rss});
    spec.series.push_back(
        {"heap  " + file, {0, 10, 20, 30}, {10 * kMiB, 50 * kMiB * run, 80 * kMiB * run, 100 * kMiB * run},
         PlotSeries::Role::heap});
  }
  CHECK(render_png(spec, "runs.png").coloured_pixels() > 2000);  // totals of several runs get colours
  std::string svg = render_svg(spec, "runs.svg");
  for (const PlotSeries& series : spec.series) CHECK(svg.find(series.label) != std::string::npos);
}

TEST_CASE("a bad extension or an unwritable path throws a one-line error") {
  PlotSpec spec = realistic_spec();
  for (std::string path : {std::string(scratch_dir() / "chart.jpg"), std::string(scratch_dir() / "chart"),
                           std::string("/nonexistent-dir/chart.png"), std::string("/nonexistent-dir/chart.svg")}) {
    CAPTURE(path);
    try {
      render_plot(spec, path);
      FAIL("no exception");
    } catch (const std::runtime_error& error) {
      std::string message = error.what();
      CHECK(message.find('\n') == std::string::npos);
      CHECK(message.find(path) != std::string::npos);
    }
  }
  CHECK_FALSE(fs::exists(scratch_dir() / "chart.jpg"));
}

TEST_CASE("a size outside the supported range throws") {
  PlotSpec spec;
  spec.width = 0;
  CHECK_THROWS_AS(render_plot(spec, scratch_dir() / "zero.png"), std::runtime_error);
}

TEST_CASE("edge cases render without crashing") {
  PlotSpec spec;
  SUBCASE("no series at all") {}
  SUBCASE("series without points") { spec.series = {site("empty", {}, {})}; }
  SUBCASE("a single point") { spec.series = {site("one", {3}, {5 * kMiB})}; }
  SUBCASE("all zero") { spec.series = {site("zero", {0, 1, 2}, {0, 0, 0})}; }
  SUBCASE("a window that excludes everything") {
    spec = realistic_spec();
    spec.window = {{100, 200}};
  }
  SUBCASE("a reversed window") {
    spec = realistic_spec();
    spec.window = {{20, 5}};
  }
  SUBCASE("a tiny picture with many series") {
    spec = realistic_spec();
    for (int i = 0; i < 20; ++i) spec.series.push_back(site("site " + std::to_string(i), {0, 1}, {0, i * kMiB}));
    spec.width = 200;
    spec.height = 120;
  }
  SUBCASE("a marker outside the window") {
    spec = realistic_spec();
    spec.window = {{0, 5}};
    spec.markers.push_back({25, 130 * kMiB, "peak"});
  }
  Image image = render_png(spec, "edge.png");
  CHECK(image.width() == spec.width);
  CHECK(image.height() == spec.height);
  CHECK(looks_like_svg(render_svg(spec, "edge.svg")));
}

TEST_CASE("a single point still shows up") {
  PlotSpec spec;
  spec.series = {site("one", {3}, {5 * kMiB})};
  Image with_point = render_png(spec, "point.png");
  spec.series[0].times_s.clear();
  spec.series[0].bytes.clear();
  Image without_point = render_png(spec, "no-point.png");
  CHECK(with_point.coloured_pixels() > without_point.coloured_pixels());
}

TEST_CASE("a window narrows the chart to its time range") {
  PlotSpec spec;
  spec.series = {site("late growth", {0, 10, 20, 30}, {0, 0, 50 * kMiB, 100 * kMiB})};
  Image everything = render_png(spec, "all.png");
  spec.window = {{0, 9}};
  Image early = render_png(spec, "early.png");
  // Only the flat start is in view, drawn along the bottom: far less line than the full climb.
  CHECK(early.coloured_pixels() < everything.coloured_pixels());
}

// The example in the docs: LEAKRANK_PLOT_EXAMPLE=docs/plot-example.png plot_renderer_test
TEST_CASE("the example chart renders") {
  const char* destination = std::getenv("LEAKRANK_PLOT_EXAMPLE");
  fs::path path = destination ? fs::path(destination) : scratch_dir() / "example.png";
  render_plot(realistic_spec(), path);
  CHECK(load_png(path).coloured_pixels() > 5000);
  CHECK(looks_like_svg(render_svg(realistic_spec(), "example.svg")));
}
