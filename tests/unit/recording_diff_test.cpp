#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "analyzer/diff_render.h"
#include "analyzer/recording_diff.h"

using namespace leakrank;

namespace {

Site site(const std::string& function, uint64_t live_bytes, uint64_t live_allocations) {
  return Site{.key = function + " app.cpp:1", .function = function, .file = "app.cpp", .line = 1,
              .frames = {Frame{.function = function, .file = "app.cpp", .line = 1, .module = "/bin/app"}},
              .live_bytes = live_bytes, .live_allocations = live_allocations};
}

Analysis analysis(const std::string& path, std::vector<Site> sites) {
  Analysis a;
  a.path = path;
  for (const Site& s : sites) a.end_heap_bytes += s.live_bytes;
  a.sites = std::move(sites);
  return a;
}

const Analysis kBase = analysis("base.lrk", {site("Cache::insert", 1000, 10), site("Parser::token", 5000, 50),
                                             site("Config::load", 300, 3)});
const Analysis kNew = analysis("new.lrk", {site("Config::load", 300, 3), site("Cache::insert", 9000, 90),
                                           site("Session::open", 2000, 4)});

const SiteDiff& find(const RecordingDiff& diff, const std::string& function) {
  for (const SiteDiff& s : diff.sites) {
    if (s.function == function) return s;
  }
  FAIL("no site " << function);
  throw;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("sites on one side only count as zero on the other") {
  const RecordingDiff diff = diff_analyses(kBase, kNew);
  REQUIRE(diff.sites.size() == 4);
  const SiteDiff& grown = find(diff, "Cache::insert");
  CHECK(grown.size == 9000);
  CHECK(grown.size_diff == 8000);
  CHECK(grown.count == 90);
  CHECK(grown.count_diff == 80);
  const SiteDiff& gone = find(diff, "Parser::token");
  CHECK(gone.size == 0);
  CHECK(gone.size_diff == -5000);
  CHECK(gone.count_diff == -50);
  CHECK(gone.file == "app.cpp");  // still named, from the base
  const SiteDiff& added = find(diff, "Session::open");
  CHECK(added.size_diff == 2000);
  CHECK(added.count_diff == 4);
  CHECK(find(diff, "Config::load").size_diff == 0);
  CHECK(diff.base_heap_bytes == 6300);
  CHECK(diff.new_heap_bytes == 11300);
}

TEST_CASE("sites are sorted by growth, largest first") {
  const RecordingDiff diff = diff_analyses(kBase, kNew);
  CHECK(diff.sites[0].function == "Cache::insert");
  CHECK(diff.sites[1].function == "Session::open");
  CHECK(diff.sites[2].function == "Config::load");
  CHECK(diff.sites[3].function == "Parser::token");
}

TEST_CASE("sites match by key, not by address") {
  Analysis moved = kBase;
  for (Site& s : moved.sites) s.frames[0].ip = 0x7f0000001234;  // another run, another load address
  const RecordingDiff diff = diff_analyses(kBase, moved);
  for (const SiteDiff& s : diff.sites) CHECK(s.size_diff == 0);
  CHECK(diff.sites.size() == 3);
}

TEST_CASE("the growth gate fails sites that grew strictly more than the threshold") {
  const RecordingDiff diff = diff_analyses(kBase, kNew);
  CHECK(sites_growing_over(diff, 10000).empty());
  CHECK(sites_growing_over(diff, 8000).empty());  // equal is not over
  auto failed = sites_growing_over(diff, 7999);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]->function == "Cache::insert");
  failed = sites_growing_over(diff, 1000);
  REQUIRE(failed.size() == 2);
  CHECK(failed[1]->function == "Session::open");
  CHECK(sites_growing_over(diff, 0).size() == 2);  // shrinking and unchanged sites never fail
}

TEST_CASE("suppressed sites are left out of the diff and the gate") {
  const RecordingDiff diff = diff_analyses(kBase, kNew, Suppressions({"Cache::*"}));
  CHECK(diff.suppressed_sites == 1);
  CHECK(diff.sites.size() == 3);
  CHECK(diff.sites[0].function == "Session::open");
  CHECK(sites_growing_over(diff, 3000).empty());
}

TEST_CASE("text output names the sites that failed the gate") {
  const RecordingDiff diff = diff_analyses(kBase, kNew);
  const std::string text = render_diff_text(diff, {.top = 2, .fail_on_growth_bytes = 1000});
  CHECK(text.find("base.lrk -> new.lrk") != std::string::npos);
  CHECK(text.find("+7.8 KiB") != std::string::npos);
  CHECK(text.find("Parser::token") == std::string::npos);  // beyond --top 2
  CHECK(text.find("... 2 more sites") != std::string::npos);
  CHECK(text.find("FAIL: 2 sites grew more than 1000 B") != std::string::npos);
  CHECK(render_diff_text(diff, {.fail_on_growth_bytes = 1u << 20}).find("PASS: 0 sites") != std::string::npos);
}

TEST_CASE("JSON output carries every site and the gate") {
  const RecordingDiff diff = diff_analyses(kBase, kNew, Suppressions({"Config"}));
  const auto json = nlohmann::json::parse(render_diff_json(diff, {.top = 1, .fail_on_growth_bytes = 5000}));
  CHECK(json["base"] == "base.lrk");
  CHECK(json["new"] == "new.lrk");
  CHECK(json["heap_diff_bytes"] == 5000);
  CHECK(json["suppressed_sites"] == 1);
  REQUIRE(json["sites"].size() == 3);
  CHECK(json["sites"][0]["function"] == "Cache::insert");
  CHECK(json["sites"][0]["size_diff"] == 8000);
  CHECK(json["sites"][2]["size_diff"] == -5000);
  CHECK(json["sites"][2]["count_diff"] == -50);
  CHECK(json["failed_sites"] == nlohmann::json::array({"Cache::insert app.cpp:1"}));
  CHECK_FALSE(nlohmann::json::parse(render_diff_json(diff)).contains("failed_sites"));
}

TEST_CASE("markdown output is a table with one row per shown site") {
  Analysis odd = kNew;
  odd.sites[0].function = "operator|(Flags, Flags)";
  const RecordingDiff diff = diff_analyses(kBase, odd);
  const auto md = lines(render_diff_markdown(diff, {.top = 3, .fail_on_growth_bytes = 1000}));
  auto header = std::find(md.begin(), md.end(), "| Site | Size | Δ Size | Count | Δ Count |");
  REQUIRE(header != md.end());
  CHECK(*(header + 1) == "|---|---:|---:|---:|---:|");
  CHECK(*(header + 2) == "| `Cache::insert` `app.cpp:1` | 8.8 KiB | +7.8 KiB | 90 | +80 |");
  for (auto row = header + 2; row != header + 5; ++row) {
    std::string unescaped = *row;
    for (size_t at; (at = unescaped.find("\\|")) != std::string::npos;) unescaped.erase(at, 2);
    CHECK(std::count(unescaped.begin(), unescaped.end(), '|') == 6);
  }
  CHECK((header + 5)->empty());
  CHECK(std::find(md.begin(), md.end(), ":x: **2 sites grew more than 1000 B**") != md.end());
}
