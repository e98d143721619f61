#include "analyzer/analysis.h"

#include <doctest/doctest.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/report.h"
#include "recording/recording_writer.h"
#include "tests/support/own_module_map.h"

namespace leakrank {
namespace {

using testing::own_module_map;
namespace fs = std::filesystem;

// Real return addresses inside named functions of this binary, so the recordings below
// symbolize to real names. noipa: the compiler may neither inline nor clone them.
__attribute__((noipa)) uint64_t return_address() { return uint64_t(__builtin_return_address(0)); }
// An empty asm after the call stops it from becoming a tail call, which would return the
// caller's caller's address instead.
inline uint64_t kept(uint64_t ip) {
  __asm__ volatile("" : "+r"(ip));
  return ip;
}
__attribute__((noipa)) uint64_t leaking_function() { return kept(return_address()); }
__attribute__((noipa)) uint64_t caching_function() { return kept(return_address()); }
__attribute__((noipa)) uint64_t temporary_function() { return kept(return_address()); }
__attribute__((noipa)) uint64_t releasing_function() { return kept(return_address()); }
__attribute__((noipa)) uint64_t outer_function() { return kept(return_address()); }
__attribute__((noipa)) uint64_t other_outer_function() { return kept(return_address()); }

// --- this process's module map, as the preload library would record it ---


// --- a synthetic ten-second run: one leak, one bounded cache, temporaries, a freed buffer ---

constexpr uint64_t kTick = 100'000'000;  // 0.1 s
constexpr int kTicks = 100;
constexpr uint64_t kLeakBytes = 100 * 1024;
constexpr uint64_t kCacheBytes = 64 * 1024;
constexpr int kCacheEntries = 20;
constexpr uint64_t kTemporaryBytes = 1 << 20;
constexpr uint64_t kBufferBytes = 32 * 1024;
constexpr int kBufferBlocks = 30;
constexpr int kBufferFreedAtTick = 50;
constexpr uint64_t kOtherCallerBytes = 1024;

enum StackId : uint32_t { kLeakStack = 1, kCacheStack, kTemporaryStack, kBufferStack, kLeakFromOtherCaller };

uint64_t malloc_address() { return testing::libc_malloc_address() + 8; }

struct Scenario {
  fs::path path;
  explicit Scenario(std::string name, uint64_t sample_bytes = 0, BlockObserver observer = {})
      : path(fs::temp_directory_path() / (name + "." + std::to_string(::getpid()) + ".lrk")) {
    write(sample_bytes, std::move(observer));
  }
  ~Scenario() { fs::remove(path); }

  void write(uint64_t sample_bytes, BlockObserver observer) {
    RecordingMeta meta;
    meta.command = {"./leaky", "--docs", "20000"};
    meta.pid = 4242;
    meta.sample_bytes = sample_bytes;
    RecordingWriter writer(path.string(), meta, std::move(observer));
    writer.write(ModuleMapRecord{1, own_module_map()});
    uint64_t outer = outer_function();
    writer.write(StackRecord{kLeakStack, std::vector<uint64_t>{malloc_address(), leaking_function(), outer}});
    writer.write(StackRecord{kCacheStack, std::vector<uint64_t>{caching_function(), outer}});
    writer.write(StackRecord{kTemporaryStack, std::vector<uint64_t>{temporary_function(), outer}});
    writer.write(StackRecord{kBufferStack, std::vector<uint64_t>{releasing_function(), outer}});
    writer.write(StackRecord{kLeakFromOtherCaller, std::vector<uint64_t>{leaking_function(), other_outer_function()}});
    for (int i = 0; i < kTicks; ++i) {
      uint64_t t = uint64_t(i) * kTick;
      if (i % 5 == 0) writer.write(SnapshotRecord{t, i == 20 ? "warm" : i == 80 ? "late" : ""});
      if (i == 0) {
        writer.free(t + 500, 0xdead0000);  // allocated before recording began: ignored
        writer.alloc(t + 600, 0x7000'0000, kOtherCallerBytes, kLeakFromOtherCaller);
      }
      writer.alloc(t + 1000, 0x1000'0000 + uint64_t(i) * 0x100000, kLeakBytes, kLeakStack);
      writer.alloc(t + 2000, 0x2000'0000 + uint64_t(i) * 0x100000, kCacheBytes, kCacheStack);
      if (i >= kCacheEntries) writer.free(t + 2500, 0x2000'0000 + uint64_t(i - kCacheEntries) * 0x100000);
      if (i < kBufferBlocks) writer.alloc(t + 3000, 0x3000'0000 + uint64_t(i) * 0x100000, kBufferBytes, kBufferStack);
      if (i == kBufferFreedAtTick)
        for (int b = 0; b < kBufferBlocks; ++b) writer.free(t + 3000, 0x3000'0000 + uint64_t(b) * 0x100000);
      writer.alloc(t + 4000, 0x4000'0000, kTemporaryBytes, kTemporaryStack);
      writer.free(t + 4100, 0x4000'0000);
      writer.write(RssRecord{t + 5000, (40u << 20) + uint64_t(i) * kLeakBytes});
      writer.flush();  // one block per tick, so a cut file keeps the ticks before the cut
    }
    writer.write(EndRecord{uint64_t(kTicks) * kTick, 0});
  }
};

const Site& site_named(const Analysis& analysis, std::string_view function) {
  auto it = std::find_if(analysis.sites.begin(), analysis.sites.end(),
                         [&](const Site& site) { return site.function.find(function) != std::string::npos; });
  REQUIRE_MESSAGE(it != analysis.sites.end(), "no site named ", function);
  return *it;
}

size_t rank_of(const Analysis& analysis, std::string_view function) {
  return size_t(&site_named(analysis, function) - analysis.sites.data()) + 1;
}

constexpr uint64_t kLeakEnd = kTicks * kLeakBytes + kOtherCallerBytes;
constexpr uint64_t kCacheEnd = kCacheEntries * kCacheBytes;

}  // namespace

TEST_CASE("a run with a leak, a cache, temporaries and a freed buffer") {
  Scenario scenario("analysis_full");
  Analysis analysis = analyze_recording(scenario.path.string());

  SUBCASE("totals, peak and end") {
    CHECK(analysis.complete);
    CHECK_FALSE(analysis.estimated);
    CHECK(analysis.wait_status == 0);
    CHECK(analysis.duration_s == doctest::Approx(10.0));
    CHECK(analysis.meta.command == std::vector<std::string>{"./leaky", "--docs", "20000"});
    CHECK(analysis.total_allocations == 1 + kTicks * 3 + kBufferBlocks);
    CHECK(analysis.total_frees == (kTicks - kCacheEntries) + kTicks + kBufferBlocks);
    CHECK(analysis.temporary_allocations == kTicks);
    CHECK(analysis.end_heap_bytes == kLeakEnd + kCacheEnd);
    CHECK(analysis.peak_heap_bytes == kLeakEnd + kCacheEnd + kTemporaryBytes);
    CHECK(analysis.peak_heap_time_s == doctest::Approx(9.9 + 4e-6));
    CHECK(analysis.peak_rss_bytes == (40u << 20) + (kTicks - 1) * kLeakBytes);
    CHECK(analysis.events == analysis.total_allocations + analysis.total_frees + 1);
  }

  SUBCASE("sites are named after the program's own frames and ranked by growth") {
    REQUIRE(analysis.sites.size() == 4);
    const Site& leak = analysis.sites[0];
    CHECK(leak.function.find("leaking_function") != std::string::npos);
    CHECK(leak.growth.verdict == Verdict::growing);
    CHECK(leak.live_bytes == kLeakEnd);
    CHECK(leak.live_allocations == kTicks + 1);
    CHECK(leak.growth_allocations == kTicks + 1);
    CHECK(leak.growth.slope_bytes_per_s == doctest::Approx(kLeakBytes * 10.0).epsilon(0.05));
    CHECK(leak.module.find("analysis_test") != std::string::npos);
    REQUIRE(leak.frames.size() == 3);  // the largest stack, runtime frame included
    CHECK(leak.frames[0].function == "malloc");
    CHECK(leak.frames[2].function.find("outer_function") != std::string::npos);

    const Site& cache = site_named(analysis, "caching_function");
    CHECK(cache.growth.verdict == Verdict::plateau);
    CHECK(cache.live_bytes == kCacheEnd);
    CHECK(cache.growth.plateau_since_s < 2.5);

    const Site& buffer = site_named(analysis, "releasing_function");
    CHECK(buffer.growth.verdict == Verdict::freed);
    CHECK(buffer.live_bytes == 0);
    CHECK(buffer.growth.peak_bytes == kBufferBlocks * kBufferBytes);

    const Site& temporary = site_named(analysis, "temporary_function");
    CHECK(temporary.temporary_allocations == kTicks);
    CHECK(temporary.live_bytes == 0);
    CHECK(temporary.total_bytes == kTicks * kTemporaryBytes);

    CHECK(rank_of(analysis, "leaking_function") < rank_of(analysis, "caching_function"));
    CHECK(rank_of(analysis, "caching_function") < rank_of(analysis, "releasing_function"));
  }

  SUBCASE("the per-site series sample the snapshot points") {
    // 20 periodic and named snapshots (the first one at the start) and the end.
    CHECK(analysis.snapshot_times_s.size() == 21);
    CHECK(analysis.snapshot_times_s.front() == 0.0);
    CHECK(analysis.snapshot_times_s.back() == doctest::Approx(10.0));
    CHECK(std::is_sorted(analysis.snapshot_times_s.begin(), analysis.snapshot_times_s.end()));
    const Site& leak = analysis.sites[0];
    REQUIRE(leak.live_bytes_series.size() == analysis.snapshot_times_s.size());
    CHECK(leak.live_bytes_series.back() == kLeakEnd);
    CHECK(leak.live_bytes_series[4] == 20 * kLeakBytes + kOtherCallerBytes);  // at 2.0 s, before tick 20
    REQUIRE(analysis.named_snapshots.size() == 2);
    CHECK(analysis.named_snapshots[0].name == "warm");
    CHECK(analysis.named_snapshots[0].time_s == doctest::Approx(2.0));
  }

  SUBCASE("memory curves are bounded and reach the peak") {
    CHECK(!analysis.heap_series.empty());
    CHECK(analysis.heap_series.size() <= 2000);
    auto highest = std::max_element(analysis.heap_series.begin(), analysis.heap_series.end(),
                                    [](const TimePoint& a, const TimePoint& b) { return a.bytes < b.bytes; });
    CHECK(highest->bytes == analysis.peak_heap_bytes);
    CHECK(analysis.rss_series.size() == kTicks);
  }
}

TEST_CASE("between snapshot marks each site is sampled: its envelope keeps the teeth the marks miss") {
  // A cache of 64 KiB entries, one every 0.1 s, emptied every 2.5 s; marks only at 5 s and 10 s,
  // both just after a reset: through the marks alone it would look empty all run.
  fs::path path = fs::temp_directory_path() / ("analysis_envelope." + std::to_string(::getpid()) + ".lrk");
  {
    RecordingWriter writer(path.string(), RecordingMeta{});
    writer.write(ModuleMapRecord{1, own_module_map()});
    writer.write(StackRecord{1, std::vector<uint64_t>{caching_function(), outer_function()}});
    std::vector<uint64_t> cached;
    for (int i = 0; i < 100; ++i) {
      uint64_t t = uint64_t(i) * kTick + 1000;
      if (i % 25 == 0) {
        for (uint64_t address : cached) writer.free(t, address);
        cached.clear();
      }
      if (i == 50) writer.write(SnapshotRecord{t + 1, ""});
      cached.push_back(0x1000'0000 + uint64_t(i) * 0x100000);
      writer.alloc(t + 2, cached.back(), kCacheBytes, 1);
      writer.flush();
    }
    writer.write(SnapshotRecord{uint64_t(kTicks) * kTick, ""});
    writer.write(EndRecord{uint64_t(kTicks) * kTick, 0});
  }
  Analysis analysis = analyze_recording(path.string());
  fs::remove(path);
  const Site& cache = site_named(analysis, "caching_function");
  REQUIRE(cache.live_bytes_envelope.size() + 1 == analysis.envelope_bounds_s.size());
  CHECK(analysis.envelope_bounds_s.front() == 0.0);
  CHECK(analysis.envelope_bounds_s.back() == doctest::Approx(10.0));
  double highest = 0;
  for (const EnvelopeBucket& bucket : cache.live_bytes_envelope) highest = std::max(highest, bucket.high);
  CHECK(highest == 25 * kCacheBytes);  // each tooth's top, between the marks
  CHECK(cache.growth.peak_bytes == 25 * kCacheBytes);
  CHECK(cache.growth.verdict == Verdict::plateau);
  CHECK(cache.growth.resets_every_s == doctest::Approx(2.5).epsilon(0.05));
  CHECK(cache.live_bytes_series.back() == 25 * kCacheBytes);  // the last tooth is full at the end
}

TEST_CASE("following the blocks as they are written gives the analysis of the file") {
  FollowingAnalysis following(AnalysisOptions{});
  size_t blocks = 0;
  Scenario scenario("analysis_followed", 0, [&](const BlockRecords& block) {
    ++blocks;
    following.on_block(block);
  });
  Analysis followed = following.finish(scenario.path.string(), true);
  CHECK(blocks > size_t(kTicks));  // the meta block, one a tick, the end
  CHECK(followed.complete);
  CHECK(rank_of(followed, "leaking_function") == 1);
  CHECK(render_report_json(followed) == render_report_json(analyze_recording(scenario.path.string())));
}

TEST_CASE("following the first blocks only, then reading the rest from the file, gives the same analysis") {
  for (size_t seen : {size_t(1), size_t(3), size_t(kTicks / 2)}) {
    CAPTURE(seen);
    FollowingAnalysis following(AnalysisOptions{});
    size_t blocks = 0;
    Scenario scenario("analysis_followed_part", 0, [&](const BlockRecords& block) {
      if (blocks++ < seen) following.on_block(block);
    });
    Analysis followed = following.finish(scenario.path.string(), false);
    CHECK(followed.complete);
    CHECK(render_report_json(followed) == render_report_json(analyze_recording(scenario.path.string())));
  }
}

TEST_CASE("series are thinned evenly to the requested number of points") {
  Scenario scenario("analysis_thin");
  AnalysisOptions options;
  options.max_snapshots = 8;
  Analysis analysis = analyze_recording(scenario.path.string(), options);
  CHECK(analysis.snapshot_times_s.size() == 8);
  CHECK(analysis.snapshot_times_s.front() == 0.0);
  CHECK(analysis.snapshot_times_s.back() == doctest::Approx(10.0));
  const Site& leak = analysis.sites[0];
  CHECK(leak.growth.verdict == Verdict::growing);
  // Whatever points were kept, each value is the site's true state at that time.
  for (size_t i = 0; i + 1 < analysis.snapshot_times_s.size(); ++i) {
    double ticks_done = std::ceil(analysis.snapshot_times_s[i] * 10 - 1e-9);
    double expected = ticks_done * kLeakBytes + (analysis.snapshot_times_s[i] > 0 ? kOtherCallerBytes : 0);
    CHECK(leak.live_bytes_series[i] == doctest::Approx(expected));
  }
}

TEST_CASE("grouping by function, line or whole stack") {
  Scenario scenario("analysis_grouping");
  AnalysisOptions options;
  options.group_by = GroupBy::stack;
  Analysis by_stack = analyze_recording(scenario.path.string(), options);
  CHECK(by_stack.sites.size() == 5);  // the leak's two callers are two stacks
  options.group_by = GroupBy::function;
  Analysis by_function = analyze_recording(scenario.path.string(), options);
  CHECK(by_function.sites.size() == 4);
  CHECK(by_function.sites[0].key.find("leaking_function") != std::string::npos);
  CHECK(by_function.sites[0].key.find("0x") == std::string::npos);  // symbols, never addresses
}

TEST_CASE("--keep-frames lets the allocator's frame name the site") {
  Scenario scenario("analysis_keep");
  AnalysisOptions options;
  options.keep_frames = true;
  Analysis analysis = analyze_recording(scenario.path.string(), options);
  CHECK(site_named(analysis, "malloc").live_bytes == kTicks * kLeakBytes);
  CHECK(site_named(analysis, "leaking_function").live_bytes == kOtherCallerBytes);
}

TEST_CASE("windows: the state at a time, at a named snapshot, and growth since a time") {
  Scenario scenario("analysis_window");
  SUBCASE("until a time") {
    AnalysisOptions options;
    options.until_s = 5.0;
    Analysis analysis = analyze_recording(scenario.path.string(), options);
    CHECK(analysis.duration_s == doctest::Approx(5.0));
    CHECK(site_named(analysis, "leaking_function").live_bytes == 50 * kLeakBytes + kOtherCallerBytes);
    CHECK(site_named(analysis, "releasing_function").live_bytes == kBufferBlocks * kBufferBytes);
  }
  SUBCASE("until a named snapshot") {
    AnalysisOptions options;
    options.until_snapshot = "warm";
    Analysis analysis = analyze_recording(scenario.path.string(), options);
    CHECK(analysis.duration_s == doctest::Approx(2.0));
    CHECK(site_named(analysis, "leaking_function").live_bytes == 20 * kLeakBytes + kOtherCallerBytes);
    CHECK(analysis.named_snapshots.size() == 1);
  }
  SUBCASE("an unknown snapshot name is an error") {
    AnalysisOptions options;
    options.until_snapshot = "nope";
    CHECK_THROWS_WITH_AS(analyze_recording(scenario.path.string(), options), doctest::Contains("'nope'"),
                         RecordingError);
  }
  SUBCASE("since a time") {
    AnalysisOptions options;
    options.since_s = 5.0;
    Analysis analysis = analyze_recording(scenario.path.string(), options);
    CHECK(analysis.snapshot_times_s.front() == doctest::Approx(5.0));
    CHECK(analysis.total_allocations == 3 * 50);
    const Site& leak = site_named(analysis, "leaking_function");
    CHECK(leak.growth.growth_bytes == doctest::Approx(50.0 * kLeakBytes));
    CHECK(leak.growth_allocations == 50);
    CHECK(leak.total_allocations == 50);
    CHECK(site_named(analysis, "releasing_function").growth.verdict == Verdict::freed);
  }
}

TEST_CASE("a sampled recording is scaled into estimates") {
  constexpr uint64_t kSampleBytes = 4096;
  fs::path path = fs::temp_directory_path() / ("analysis_sampled." + std::to_string(::getpid()) + ".lrk");
  {
    RecordingMeta meta;
    meta.sample_bytes = kSampleBytes;
    RecordingWriter writer(path.string(), meta);
    writer.write(ModuleMapRecord{1, own_module_map()});
    writer.write(StackRecord{1, std::vector<uint64_t>{leaking_function()}});
    for (uint64_t i = 0; i < 10; ++i) writer.alloc(i, 0x1000 + i * 0x1000, 1024, 1);
    writer.write(EndRecord{10, 0});
  }
  Analysis analysis = analyze_recording(path.string());
  fs::remove(path);
  double per_sample = 1 / (1 - std::exp(-1024.0 / kSampleBytes));
  CHECK(analysis.estimated);
  CHECK(analysis.end_heap_bytes == uint64_t(std::llround(10 * 1024 * per_sample)));
  CHECK(analysis.total_allocations == uint64_t(std::llround(10 * per_sample)));
  CHECK(analysis.sites.at(0).live_allocations == uint64_t(std::llround(10 * per_sample)));
}

TEST_CASE("a truncated recording is analyzed up to its last whole block") {
  Scenario scenario("analysis_cut");
  uintmax_t cut = fs::file_size(scenario.path) * 6 / 10;
  fs::resize_file(scenario.path, cut);
  Analysis analysis = analyze_recording(scenario.path.string());
  // A cut that falls between two blocks leaves whole blocks only, which is no damage to warn
  // of (the report still says partial); a byte less cuts the last of them short.
  if (analysis.warnings.empty()) {
    fs::resize_file(scenario.path, cut - 1);
    analysis = analyze_recording(scenario.path.string());
  }
  CHECK_FALSE(analysis.complete);
  REQUIRE_FALSE(analysis.warnings.empty());
  CHECK(analysis.duration_s > 1.0);
  CHECK(analysis.duration_s < 9.0);
  CHECK(analysis.sites[0].function.find("leaking_function") != std::string::npos);
  CHECK(render_report_text(analysis).find("partial") != std::string::npos);
  CHECK(nlohmann::json::parse(render_report_json(analysis))["complete"] == false);
}

TEST_CASE("an unreadable recording throws a one-line error") {
  CHECK_THROWS_AS(analyze_recording("/nonexistent/leakrank.x.1.lrk"), RecordingError);
}

TEST_CASE("the JSON report has every documented field") {
  Scenario scenario("analysis_json");
  Analysis analysis = analyze_recording(scenario.path.string());
  nlohmann::json report = nlohmann::json::parse(render_report_json(analysis, {.top = 0}));
  CHECK(report["recording"] == scenario.path.string());
  CHECK(report["command"] == nlohmann::json::array({"./leaky", "--docs", "20000"}));
  CHECK(report["duration_s"].get<double>() == doctest::Approx(10.0));
  CHECK(report["peak_heap_bytes"] == analysis.peak_heap_bytes);
  CHECK(report["end_heap_bytes"] == analysis.end_heap_bytes);
  CHECK(report["peak_rss_bytes"] == analysis.peak_rss_bytes);
  CHECK(report["total_allocations"] == analysis.total_allocations);
  CHECK(report["total_frees"] == analysis.total_frees);
  CHECK(report["estimated"] == false);
  CHECK(report["complete"] == true);
  CHECK(report["warnings"].is_array());
  CHECK(report["skipped_wrappers"].is_array());
  REQUIRE(report["sites"].size() == 4);
  const nlohmann::json& top = report["sites"][0];
  for (const char* field : {"rank", "verdict", "growth_bytes", "growth_allocations", "live_bytes", "live_allocations",
                            "slope_bytes_per_s", "peak_bytes", "released_at_exit", "resets_every_s", "function", "file",
                            "line", "frames"})
    CHECK_MESSAGE(top.contains(field), field);
  CHECK(top["rank"] == 1);
  CHECK(top["verdict"] == "growing");
  CHECK(top["live_bytes"] == kLeakEnd);
  CHECK(top["growth_bytes"] == kLeakEnd);
  CHECK(top["slope_bytes_per_s"].is_number_float());
  CHECK(top["resets_every_s"].is_null());
  CHECK(top["line"].is_number_integer());
  const nlohmann::json& innermost = top["frames"][0];
  CHECK(innermost["function"] == "malloc");
  CHECK(innermost["module"].get<std::string>().find("libc") != std::string::npos);
  CHECK(innermost["inlined"] == false);
  CHECK(report["sites"][3]["rank"] == 4);

  CHECK(nlohmann::json::parse(render_report_json(analysis, {.top = 2}))["sites"].size() == 2);
}

TEST_CASE("the JSON report's sites, dumped one at a time, read as one dump of the whole") {
  Site site{.function = "intern", .file = "store.cpp", .line = 15};
  site.frames = {{.function = "malloc", .module = "/usr/lib/libc.so.6"},
                 {.function = "odd\n  \"sites\": []", .file = "store.cpp", .line = 15, .inlined = true},
                 {.function = "intern", .file = "store.cpp", .line = 15}};
  Analysis parent, child, idle_child;
  parent.sites = {site, site};
  child.sites = {site};
  const std::vector<Analysis> children = {child, idle_child};
  for (size_t top : {0, 1}) {
    const std::string text = render_report_json(parent, {.top = top}, children);
    const auto report = nlohmann::ordered_json::parse(text);
    CHECK(report.dump(2) + "\n" == text);
    CHECK(report["sites"].size() == (top == 0 ? 2 : 1));
    CHECK(report["sites"][0]["frames"][1]["function"] == site.frames[1].function);
    CHECK(report["children"][0]["sites"].size() == 1);
    CHECK(report["children"][1]["sites"].empty());
    CHECK(report["children"][1]["sites_omitted"] == 0);
  }
}

TEST_CASE("the text report ranks sites, shows stacks, bounded sites and the next step") {
  Scenario scenario("analysis_text");
  Analysis analysis = analyze_recording(scenario.path.string());
  std::string text = render_report_text(analysis);
  CHECK(text.find("./leaky --docs 20000") != std::string::npos);
  CHECK(text.find("growing") != std::string::npos);
  CHECK(text.find("leaking_function") < text.find("caching_function"));
  CHECK(text.find("bounded: 1.2 MiB") != std::string::npos);
  CHECK(text.find("not a leak") != std::string::npos);
  CHECK(text.find("leakrank plot") != std::string::npos);
  CHECK(text.find("leakrank diff") != std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  CHECK(render_report_text(analysis, {.top = 10, .color = true}).find("\x1b[") != std::string::npos);
}

TEST_CASE("the text report's stacks show each run of runtime frames as one line") {
  const std::string libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
  const std::string libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
  const std::string program = "/srv/tokenizer";
  const std::string headers = "/usr/include/c++/12/bits/";
  Site site{.function = "StringStore::intern(std::string_view)", .file = "string_store.cpp", .line = 15,
            .module = program};
  site.frames = {
      {.function = "malloc", .module = libc},
      {.function = "operator new(unsigned long)", .module = libstdcxx},
      {.function = "std::__new_allocator<char>::allocate(unsigned long, void const*)",
       .file = headers + "new_allocator.h", .line = 137, .module = program, .inlined = true},
      {.function = "std::pair<std::__detail::_Node_iterator<std::pair<unsigned long const, std::string>, false, false>, "
                   "bool> std::unordered_map<unsigned long, std::string>::try_emplace<std::string_view&>("
                   "unsigned long const&, std::string_view&)",
       .file = headers + "unordered_map.h", .line = 529, .module = program, .inlined = true},
      {.function = site.function, .file = site.file, .line = site.line, .module = program},
      {.function = "Language::process(std::string_view)", .file = "language.cpp", .line = 15, .module = program},
      {.function = "std::_Function_handler<void (), Pipeline::start()::{lambda()#1}>::_M_invoke(std::_Any_data const&)",
       .file = headers + "std_function.h", .line = 290, .module = program},
      {.function = "std::function<void ()>::operator()() const", .file = headers + "std_function.h", .line = 591,
       .module = program},
      {.function = "Pipeline::work()", .file = "pipeline.cpp", .line = 35, .module = program},
      {.function = "__libc_start_call_main", .module = libc},
      {.function = "__libc_start_main@@GLIBC_2.34", .module = libc},
      {.function = "_start", .module = program},
  };
  Analysis analysis;
  analysis.sites = {site};

  std::string text = render_report_text(analysis, {.columns = 1000});  // wide enough for every name in full
  CHECK(text.find("    … 4 frames in the standard library (malloc → std::unordered_map::try_emplace)\n"
                  "    StringStore::intern(std::string_view)  string_store.cpp:15\n"
                  "    Language::process(std::string_view)  language.cpp:15\n"
                  "    … 2 frames in the standard library (std::_Function_handler::_M_invoke → "
                  "std::function::operator())\n"
                  "    Pipeline::work()  pipeline.cpp:35\n"
                  "    … 2 frames in the runtime (__libc_start_call_main → __libc_start_main)\n"
                  "    _start  (tokenizer)\n") != std::string::npos);
  CHECK(text.find("operator new(unsigned long)") == std::string::npos);

  std::string kept = render_report_text(analysis, {.keep_frames = true, .columns = 1000});
  CHECK(kept.find("frames in the") == std::string::npos);
  for (const Frame& frame : site.frames) CHECK(kept.find("    " + frame.function + "  ") != std::string::npos);

  // At the default 80 columns the same stacks fit, runs of runtime frames naming where they lead.
  for (const std::string& narrow : {render_report_text(analysis), render_report_text(analysis, {.keep_frames = true})}) {
    std::istringstream lines(narrow);
    for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(line.size() <= 80, line);
  }
  CHECK(render_report_text(analysis).find("    … 2 frames in the standard library (std::function::operator())\n") !=
        std::string::npos);
}

}  // namespace leakrank
