#include "analyzer/plot_builder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

namespace leakrank {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

// A site whose value at each second is given: each bucket of its envelope goes from one to the next.
Site site(std::string function, std::string file, uint32_t line, Verdict verdict, std::vector<double> series) {
  Site s;
  s.function = std::move(function);
  s.file = std::move(file);
  s.line = line;
  s.growth.verdict = verdict;
  s.growth.peak_bytes = *std::max_element(series.begin(), series.end());
  for (size_t i = 1; i < series.size(); ++i)
    s.live_bytes_envelope.push_back(
        {std::min(series[i - 1], series[i]), std::max(series[i - 1], series[i]), series[i]});
  s.live_bytes_series = std::move(series);
  return s;
}

// A run of three seconds: heap peaks at 2 s, RSS at 3 s; sites in ranked order.
Analysis analysis(std::string path, int32_t pid = 100) {
  Analysis a;
  a.path = std::move(path);
  a.meta.pid = pid;
  a.meta.command = {"/opt/bin/tokenizer", "--docs", "20000"};
  a.heap_series = {{0, 0}, {1, 10 * kMiB}, {2, 30 * kMiB}, {3, 20 * kMiB}};
  a.rss_series = {{0, 5 * kMiB}, {1, 20 * kMiB}, {2, 40 * kMiB}, {3, 45 * kMiB}};
  a.peak_heap_bytes = 31 * kMiB;  // exact, between two thinned points
  a.peak_heap_time_s = 2.1;
  a.snapshot_times_s = {0, 1, 2, 3};
  a.envelope_bounds_s = {0, 1, 2, 3};
  a.sites = {site("StringStore::intern(std::string_view)", "samples/tokenizer/string_store.cpp", 15, Verdict::growing,
                  {0, 5e6, 10e6, 15e6}),
             site("DocumentReader::read()", "/src/document_reader.cpp", 14, Verdict::growing, {0, 1e6, 2e6, 3e6}),
             site("RecentDocuments::remember()", "recent_documents.cpp", 7, Verdict::plateau, {0, 2e6, 2e6, 2e6}),
             site("main", "main.cpp", 69, Verdict::plateau, {0, 1e5, 1e5, 1e5}),  // too small to see
             site("Tokenizer::split_word()", "tokenizer.cpp", 32, Verdict::steady, {1e6, 1e6, 1e6, 1e6}),
             site("Loader::load()", "loader.cpp", 3, Verdict::freed, {5e6, 0, 0, 0})};
  return a;
}

std::vector<std::string> labels(const PlotSpec& spec) {
  std::vector<std::string> out;
  for (const PlotSeries& series : spec.series) out.push_back(series.label);
  return out;
}

}  // namespace

TEST_CASE("one run: totals, the peaks, and the sites that rose visibly, in rank order") {
  PlotSpec spec = build_plot({RecordedRun{analysis("t.lrk"), {}}});
  CHECK(spec.title == "tokenizer --docs 20000");
  CHECK(labels(spec) == std::vector<std::string>{
                            "RSS", "heap", "StringStore::intern(std::string_view) (string_store.cpp:15)",
                            "DocumentReader::read() (document_reader.cpp:14)",
                            "RecentDocuments::remember() (recent_documents.cpp:7)"});
  CHECK(spec.series[0].role == PlotSeries::Role::rss);
  CHECK(spec.series[1].role == PlotSeries::Role::heap);
  CHECK(spec.series[2].role == PlotSeries::Role::site);
  CHECK(spec.series[1].bytes == std::vector<double>{0, 10.0 * kMiB, 30.0 * kMiB, 20.0 * kMiB});
  CHECK(spec.series[2].times_s == std::vector<double>{0, 1, 1, 2, 2, 3});  // across each bucket
  CHECK(spec.series[2].bytes == std::vector<double>{0, 5e6, 5e6, 10e6, 10e6, 15e6});
  REQUIRE(spec.markers.size() == 2);
  CHECK(spec.markers[0].label == "peak heap");
  CHECK(spec.markers[0].time_s == 2.1);  // the exact peak, not the highest thinned point
  CHECK(spec.markers[0].bytes == 31.0 * kMiB);
  CHECK(spec.markers[1].label == "peak RSS");
  CHECK(spec.markers[1].bytes == 45.0 * kMiB);
}

TEST_CASE("a site's line follows its envelope between the marks: each tooth's top and bottom") {
  Analysis run = analysis("t.lrk");
  // One bucket a second: the cache filled to 8 MB, was rebuilt from empty in the second
  // bucket (it ended low), and filled again: no mark fell on either top.
  run.envelope_bounds_s = {0, 1, 2, 3};
  Site cache = site("Vocabulary::intern()", "vocabulary.cpp", 9, Verdict::plateau, {0, 0, 0, 0});
  cache.live_bytes_envelope = {{0, 8e6, 8e6}, {1e6, 8e6, 1e6}, {1e6, 7e6, 7e6}};
  cache.growth.peak_bytes = 8e6;
  run.sites = {cache};
  PlotSpec spec = build_plot({RecordedRun{run, {}}});
  REQUIRE(spec.series.size() == 3);
  CHECK(spec.series[2].times_s == std::vector<double>{0, 1, 1, 2, 2, 3});
  CHECK(spec.series[2].bytes == std::vector<double>{0, 8e6, 8e6, 1e6, 1e6, 7e6});  // up, down, up again
}

TEST_CASE("too short to tell is drawn with the sites that rose") {
  Analysis run = analysis("t.lrk");
  run.sites = {site("Pool::fill()", "pool.cpp", 3, Verdict::too_short, {0, 4e6, 8e6, 12e6})};
  CHECK(build_plot({RecordedRun{run, {}}}).series.size() == 3);
}

TEST_CASE("--top limits the sites per run") {
  PlotSpec spec = build_plot({RecordedRun{analysis("t.lrk"), {}}}, {.top_sites = 1});
  CHECK(spec.series.size() == 3);
  CHECK(build_plot({RecordedRun{analysis("t.lrk"), {}}}, {.top_sites = 0}).series.size() == 2);
}

TEST_CASE("compared runs: each run's labels carry its short name; totals pair up run by run") {
  PlotSpec spec = build_plot({RecordedRun{analysis("before.lrk"), {}}, RecordedRun{analysis("dir/after.lrk"), {}}},
                             {.top_sites = 1});
  CHECK(spec.title == "before vs after");
  CHECK(labels(spec) == std::vector<std::string>{
                            "before: RSS", "before: heap", "after: RSS", "after: heap",
                            "before: StringStore::intern(std::string_view) (string_store.cpp:15)",
                            "after: StringStore::intern(std::string_view) (string_store.cpp:15)"});
  CHECK(spec.markers.size() == 4);
  CHECK(spec.markers[2].label == "after: peak heap");
}

TEST_CASE("children get one heap series each, after every run's totals and before the sites") {
  Analysis child = analysis("t.201.lrk", 201);
  child.meta.command = {"/bin/worker"};
  PlotSpec spec = build_plot({RecordedRun{analysis("t.lrk"), {child}}}, {.top_sites = 1});
  CHECK(labels(spec) == std::vector<std::string>{"RSS", "heap", "child 201 worker heap",
                                                 "StringStore::intern(std::string_view) (string_store.cpp:15)"});
  CHECK(spec.series[2].role == PlotSeries::Role::heap);
}

TEST_CASE("a child's series is placed on the run's time axis at its start") {
  Analysis parent = analysis("t.lrk");
  Analysis child = analysis("t.201.lrk", 201);
  child.meta.start_unix_ns = parent.meta.start_unix_ns + 1'500'000'000;  // its own time starts 1.5 s in
  PlotSpec spec = build_plot({RecordedRun{parent, {child}}}, {.top_sites = 0});
  REQUIRE(spec.series.size() == 3);
  CHECK(spec.series[1].times_s == std::vector<double>{0, 1, 2, 3});
  CHECK(spec.series[2].times_s == std::vector<double>{1.5, 2.5, 3.5, 4.5});
}

TEST_CASE("a window moves the peaks to the highest points inside it") {
  PlotSpec spec = build_plot({RecordedRun{analysis("t.lrk"), {}}}, {.window = std::pair{0.0, 1.5}});
  REQUIRE(spec.window);
  CHECK(spec.window->second == 1.5);
  REQUIRE(spec.markers.size() == 2);
  CHECK(spec.markers[0].time_s == 1);
  CHECK(spec.markers[0].bytes == 10.0 * kMiB);
  CHECK(spec.markers[1].bytes == 20.0 * kMiB);
}

TEST_CASE("an empty recording has empty totals and no peaks") {
  Analysis empty;
  empty.path = "empty.lrk";
  PlotSpec spec = build_plot({RecordedRun{empty, {}}});
  CHECK(labels(spec) == std::vector<std::string>{"RSS", "heap"});
  CHECK(spec.markers.empty());
  CHECK(spec.title == "empty");
}

TEST_CASE("site labels: function (file:line), else the module") {
  Site s;
  s.function = "f()";
  s.module = "/usr/lib/libfoo.so.1";
  CHECK(site_plot_label(s) == "f() (libfoo.so.1)");
  s.file = "/src/a/b.cpp";
  s.line = 9;
  CHECK(site_plot_label(s) == "f() (b.cpp:9)");
}

TEST_CASE("short recording names") {
  CHECK(short_recording_name("t.lrk") == "t");
  CHECK(short_recording_name("/x/leakrank.tokenizer.4242.lrk") == "tokenizer.4242");
  CHECK(short_recording_name("run") == "run");
}

TEST_CASE("window and size arguments") {
  CHECK(parse_plot_window("2,10.5") == std::pair{2.0, 10.5});
  CHECK_THROWS_AS(parse_plot_window("10,2"), std::invalid_argument);
  CHECK_THROWS_AS(parse_plot_window("2"), std::invalid_argument);
  CHECK_THROWS_AS(parse_plot_window("a,3"), std::invalid_argument);
  CHECK_THROWS_AS(parse_plot_window("-1,3"), std::invalid_argument);
  CHECK(parse_plot_size("800x500") == std::pair{800, 500});
  CHECK_THROWS_AS(parse_plot_size("800"), std::invalid_argument);
  CHECK_THROWS_AS(parse_plot_size("0x5"), std::invalid_argument);
  CHECK_THROWS_AS(parse_plot_size("80x5x"), std::invalid_argument);
}

}  // namespace leakrank
