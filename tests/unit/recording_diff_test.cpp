#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "analyzer/diff_render.h"
#include "analyzer/recording_diff.h"
#include "analyzer/site_matching.h"

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

// A site as a build in some folder symbolizes it (--group-by line).
Site built_site(const std::string& function, const std::string& file, uint32_t line, uint64_t live_bytes,
                const std::string& module = "/build/bin/app") {
  return Site{.key = function + "\t" + file + ":" + std::to_string(line), .function = function, .file = file,
              .line = line, .module = module,
              .frames = {Frame{.function = function, .file = file, .line = line, .module = module}},
              .live_bytes = live_bytes, .live_allocations = 1};
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

const SiteDiff& find_at(const RecordingDiff& diff, const std::string& function, uint32_t line) {
  for (const SiteDiff& s : diff.sites) {
    if (s.function == function && s.line == line) return s;
  }
  FAIL("no site " << function << ":" << line);
  throw;
}

size_t count_matched(const RecordingDiff& diff) {
  return size_t(std::count_if(diff.sites.begin(), diff.sites.end(),
                              [](const SiteDiff& s) { return s.match == SiteMatch::matched; }));
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

TEST_CASE("the same source built in another folder matches site by site") {
  const Analysis base = analysis("a.lrk", {built_site("leak_some", "/ci/run-1/src/leak.c", 5, 1000),
                                           built_site("keep_table", "/ci/run-1/src/table.c", 12, 500)});
  const Analysis now = analysis("b.lrk", {built_site("leak_some", "/home/me/checkout/src/leak.c", 5, 1000),
                                          built_site("keep_table", "/home/me/checkout/src/table.c", 12, 500)});
  const RecordingDiff diff = diff_analyses(base, now);
  REQUIRE(diff.sites.size() == 2);
  CHECK(count_matched(diff) == 2);
  CHECK(sites_growing_over(diff, 0).empty());
  CHECK(find(diff, "leak_some").file == "/home/me/checkout/src/leak.c");  // named as NEW has it
}

TEST_CASE("lines shifted by an edit above pair each site with its old self, in order") {
  // Eight lines inserted above both allocations: nearest line alone would pair 20 with 18.
  const Analysis base = analysis("a.lrk", {built_site("parse", "/a/parse.c", 10, 100),
                                           built_site("parse", "/a/parse.c", 20, 7000)});
  const Analysis now = analysis("b.lrk", {built_site("parse", "/b/parse.c", 18, 100),
                                          built_site("parse", "/b/parse.c", 28, 7000)});
  const RecordingDiff diff = diff_analyses(base, now);
  REQUIRE(diff.sites.size() == 2);
  CHECK(find_at(diff, "parse", 18).size_diff == 0);
  CHECK(find_at(diff, "parse", 28).size_diff == 0);
}

TEST_CASE("an allocation added between two others is new, and the others keep their pairs") {
  const Analysis base = analysis("a.lrk", {built_site("parse", "/a/parse.c", 10, 100),
                                           built_site("parse", "/a/parse.c", 20, 7000)});
  const Analysis now = analysis("b.lrk", {built_site("parse", "/a/parse.c", 10, 100),
                                          built_site("parse", "/a/parse.c", 13, 4000),
                                          built_site("parse", "/a/parse.c", 23, 7000)});
  const RecordingDiff diff = diff_analyses(base, now);
  REQUIRE(diff.sites.size() == 3);
  CHECK(find_at(diff, "parse", 10).match == SiteMatch::matched);
  CHECK(find_at(diff, "parse", 23).size_diff == 0);
  CHECK(find_at(diff, "parse", 13).match == SiteMatch::only_new);
  CHECK(find_at(diff, "parse", 13).size_diff == 4000);
}

TEST_CASE("a line alone never matches: the function and the file name must agree") {
  const Analysis base = analysis("a.lrk", {built_site("load", "/a/config.c", 5, 100),
                                           built_site("save", "/a/config.c", 9, 100)});
  const Analysis now = analysis("b.lrk", {built_site("read", "/a/config.c", 5, 100),
                                          built_site("save", "/a/store.c", 9, 100)});
  const RecordingDiff diff = diff_analyses(base, now);
  CHECK(diff.sites.size() == 4);
  CHECK(count_matched(diff) == 0);
  CHECK(find(diff, "read").match == SiteMatch::only_new);
  CHECK(find(diff, "load").match == SiteMatch::only_base);
}

TEST_CASE("between files of the same name, the longest shared trailing path wins") {
  // Two static init()s in two util.c; their lines would pair them the wrong way round.
  const Analysis base = analysis("a.lrk", {built_site("init", "/r1/src/net/util.c", 5, 100),
                                           built_site("init", "/r1/src/disk/util.c", 40, 9000)});
  const Analysis now = analysis("b.lrk", {built_site("init", "/r2/src/net/util.c", 40, 100),
                                          built_site("init", "/r2/src/disk/util.c", 5, 9000)});
  const RecordingDiff diff = diff_analyses(base, now);
  REQUIRE(diff.sites.size() == 2);
  for (const SiteDiff& site : diff.sites) CHECK(site.size_diff == 0);
  CHECK(shared_trailing_components("/r1/src/net/util.c", "/r2/src/net/util.c") == 3);
  CHECK(shared_trailing_components("/r1/src/net/util.c", "src/disk/util.c") == 1);
  CHECK(shared_trailing_components("util.c", "util.h") == 0);
  CHECK(shared_trailing_components("a/b/", "x/a/b") == 2);
}

TEST_CASE("sites without debug info match by function and module name") {
  const Analysis base = analysis("a.lrk", {built_site("handler", "", 0, 100, "/ci/1/out/bin/server"),
                                           built_site("worker", "", 0, 100, "/ci/1/out/lib/libjobs.so")});
  const Analysis now = analysis("b.lrk", {built_site("handler", "", 0, 100, "/ci/2/out/bin/server"),
                                          built_site("worker", "", 0, 100, "/ci/2/out/lib/libtasks.so")});
  const RecordingDiff diff = diff_analyses(base, now);
  CHECK(find(diff, "handler").match == SiteMatch::matched);
  CHECK(find(diff, "worker").match != SiteMatch::matched);  // another module: another site
  CHECK(diff.sites.size() == 3);
}

TEST_CASE("grouped by stack, every frame must agree by function and file name") {
  auto stack_site = [](const std::string& root, const std::string& caller, uint32_t line) {
    Site s = built_site("leak", root + "/leak.c", line, 100);
    s.frames.push_back(Frame{.function = caller, .file = root + "/main.c", .line = 30, .module = "/bin/app"});
    s.key = "stack " + root + caller + std::to_string(line);
    return s;
  };
  const Analysis base = analysis("a.lrk", {stack_site("/a", "main", 5), stack_site("/a", "serve", 5)});
  const Analysis now = analysis("b.lrk", {stack_site("/b", "main", 6), stack_site("/b", "respond", 6)});
  const RecordingDiff diff = diff_analyses(base, now, {}, GroupBy::stack);
  CHECK(diff.sites.size() == 3);
  CHECK(count_matched(diff) == 1);
  for (const SiteDiff& site : diff.sites) {
    if (site.match == SiteMatch::matched) CHECK(site.frames[1].function == "main");
  }
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
  CHECK(text.find("sites: 2 matched, 1 new, 1 gone") != std::string::npos);
  CHECK(text.find("Session::open  app.cpp:1  (new)") != std::string::npos);
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
  CHECK(json["sites"][0]["match"] == "matched");
  CHECK(json["sites"][1]["match"] == "new");
  CHECK(json["sites"][2]["match"] == "gone");
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
