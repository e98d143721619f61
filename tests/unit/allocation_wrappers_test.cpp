#include "analyzer/allocation_wrappers.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzer/detected_wrappers.h"
#include "analyzer/site_grouping.h"
#include "analyzer/wrapper_patterns.h"

namespace leakrank {
namespace {

namespace fs = std::filesystem;

WrapperReason reason_for(AllocationWrappers& wrappers, const char* function) {
  return wrappers.reason(Frame{.function = function});
}
bool wraps(AllocationWrappers& wrappers, const char* function) { return wrappers.is_wrapper(Frame{.function = function}); }

// --- synthetic stacks: each return address holds its frames, inlined ones first ---

Frame malloc_frame() { return {.function = "malloc", .module = "/lib/x86_64-linux-gnu/libc.so.6"}; }
Frame own(std::string function, uint32_t line) {
  return {.function = std::move(function), .file = "prog.c", .line = line, .module = "/usr/bin/prog"};
}
Frame inlined(std::string function, uint32_t line) {
  Frame frame = own(std::move(function), line);
  frame.inlined = true;
  return frame;
}

class Stacks {
 public:
  // A return address of its own for these frames.
  uint64_t address(std::vector<Frame> frames) {
    uint64_t ip = next_ip_ += 0x10;
    for (Frame& frame : frames) frame.ip = ip;
    by_ip_[ip] = std::move(frames);
    return ip;
  }
  void add(SiteGrouping& grouping, std::vector<uint64_t> ips) {
    StackFrames frames;
    for (uint64_t ip : ips) frames.push_back(&by_ip_.at(ip));
    grouping.add_stack(next_stack_++, ips, frames);
  }
  // malloc <- wrapper <- caller <- main, one stack per caller.
  void through(SiteGrouping& grouping, const Frame& wrapper, const std::vector<Frame>& callers) {
    uint64_t allocator = address({malloc_frame()});
    uint64_t inner = address({wrapper});
    uint64_t outer = address({own("main", 1)});
    for (const Frame& caller : callers) add(grouping, {allocator, inner, address({caller}), outer});
  }

 private:
  std::map<uint64_t, std::vector<Frame>> by_ip_;
  uint64_t next_ip_ = 0x400000;
  uint32_t next_stack_ = 1;
};

std::vector<Frame> callers(int count) {
  std::vector<Frame> frames;
  for (int i = 0; i < count; ++i) frames.push_back(own("caller_" + std::to_string(i), uint32_t(100 + i)));
  return frames;
}

std::vector<std::string> site_functions(const ResolvedSites& resolved) {
  std::vector<std::string> functions;
  for (const SiteIdentity& site : resolved.sites) functions.push_back(site.function);
  std::sort(functions.begin(), functions.end());
  return functions;
}

std::vector<std::string> skipped(const ResolvedSites& resolved) {
  std::vector<std::string> wrappers;
  for (const SkippedWrapper& wrapper : resolved.skipped_wrappers)
    wrappers.push_back(wrapper.function + " " + wrapper.reason);
  return wrappers;
}

// A file that removes itself.
struct TextFile {
  fs::path path = fs::temp_directory_path() / ("wrappers." + std::to_string(::getpid()) + ".txt");
  explicit TextFile(const std::string& text) { std::ofstream(path) << text; }
  ~TextFile() { fs::remove(path); }
};

}  // namespace

TEST_CASE("wrappers named as allocators are, in C and C++") {
  AllocationWrappers wrappers;
  for (const char* name : {"xmalloc", "xcalloc", "xrealloc", "xstrdup", "g_malloc0", "g_malloc_n", "ruby_xmalloc2",
                           "Perl_safesysmalloc", "zmalloc", "ngx_palloc", "ngx_pnalloc", "CRYPTO_zalloc",
                           "sqlite3Malloc", "_PyObject_Malloc", "os::malloc(unsigned long, MEMFLAGS)",
                           "Arena::alloc(unsigned long)", "CHeapObj::operator new(unsigned long)"})
    CHECK_MESSAGE(wraps(wrappers, name), name);
  CHECK(reason_for(wrappers, "xmalloc") == WrapperReason::named);
}

TEST_CASE("well-known wrappers whose names do not say so") {
  AllocationWrappers wrappers;
  for (const char* name : {"AllocateHeap", "ztrymalloc_usable", "sqlite3DbMallocRawNN", "g_slice_alloc0"})
    CHECK_MESSAGE(reason_for(wrappers, name) == WrapperReason::listed, name);
}

TEST_CASE("the code that asks for memory is no wrapper") {
  AllocationWrappers wrappers;
  for (const char* name : {"StringStore::intern(std::string_view)", "main", "remember_name", "allocate_at_depth",
                           "std::vector<int>::push_back(int const&)", "??", ""})
    CHECK_FALSE_MESSAGE(wraps(wrappers, name), name);
}

TEST_CASE("--wrapper patterns match a whole name: the brief one or as reports print it") {
  AllocationWrappers wrappers({"Pool::take", "my_.*_get", R"(Cache::fill\(int\))", R"(prog\+0x1a2.)"});
  CHECK(reason_for(wrappers, "Pool::take(unsigned long)") == WrapperReason::pattern);
  CHECK(wraps(wrappers, "my_buffer_get"));
  CHECK(wraps(wrappers, "Cache::fill(int)"));
  CHECK(wraps(wrappers, "prog+0x1a2b"));  // a frame without a symbol
  CHECK_FALSE(wraps(wrappers, "Pool::take_all()"));
  CHECK_FALSE(wraps(wrappers, "my_buffer_get_all"));  // a match inside the name is not enough
  CHECK_FALSE(wraps(wrappers, "Cache::fill(long)"));
  CHECK_THROWS_AS(AllocationWrappers({"("}), std::regex_error);
}

TEST_CASE("--wrappers-from: one pattern a line, comments and blank lines skipped") {
  TextFile file("# our allocators\n\n  pool_take  \nslab_.*\n\t# indented comment\n");
  CHECK(read_wrapper_patterns(file.path.string()) == std::vector<std::string>{"pool_take", "slab_.*"});
}

TEST_CASE("a bad pattern or an unreadable file is named in one line") {
  CHECK_THROWS_WITH_AS(check_wrapper_pattern("obtain("), doctest::Contains("bad regular expression 'obtain('"),
                       std::invalid_argument);
  TextFile file("pool_take\nslab_[\n");
  CHECK_THROWS_WITH_AS(read_wrapper_patterns(file.path.string()), doctest::Contains(":2: bad regular expression"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(read_wrapper_patterns("/nonexistent/wrappers.txt"), doctest::Contains("cannot read"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(read_wrapper_patterns(fs::temp_directory_path().string()), doctest::Contains("cannot read"),
                       std::invalid_argument);
}

TEST_CASE("a function that only forwards to malloc for many callers is detected") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  stacks.through(grouping, own("obtain_cell", 10), callers(4));
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"caller_0", "caller_1", "caller_2", "caller_3"});
  REQUIRE(resolved.skipped_wrappers.size() == 1);
  CHECK(resolved.skipped_wrappers[0].function == "obtain_cell");
  CHECK(resolved.skipped_wrappers[0].reason == "detected");
  CHECK(resolved.skipped_wrappers[0].callers == 4);
  CHECK(resolved.sites[0].line >= 100);  // the caller's line, where it calls the wrapper
}

TEST_CASE("a function with few callers keeps its site: it may own what it allocates") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  stacks.through(grouping, own("StringStore::intern(std::string_view)", 15), callers(3));
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"StringStore::intern(std::string_view)"});
  CHECK(resolved.skipped_wrappers.empty());
}

TEST_CASE("a function that allocates from two places, or calls code that allocates, is no wrapper") {
  SUBCASE("two places") {
    SiteGrouping grouping(GroupBy::line, false);
    Stacks stacks;
    stacks.through(grouping, own("build_tree", 10), callers(3));
    stacks.through(grouping, own("build_tree", 12), {own("caller_9", 109)});
    CHECK(site_functions(grouping.resolve()) == std::vector<std::string>{"build_tree", "build_tree"});
  }
  SUBCASE("calls a function that allocates on its own account") {
    SiteGrouping grouping(GroupBy::line, false);
    Stacks stacks;
    stacks.through(grouping, own("build_tree", 10), callers(4));
    uint64_t allocator = stacks.address({malloc_frame()});
    stacks.add(grouping, {allocator, stacks.address({own("make_leaf", 5)}), stacks.address({own("build_tree", 11)}),
                          stacks.address({own("caller_0", 100)})});
    std::vector<std::string> sites = site_functions(grouping.resolve());
    CHECK(std::count(sites.begin(), sites.end(), "build_tree") == 1);
  }
  SUBCASE("is held further out in a deep stack") {
    SiteGrouping grouping(GroupBy::line, false);
    Stacks stacks;
    stacks.through(grouping, own("build_tree", 10), callers(4));
    uint64_t allocator = stacks.address({malloc_frame()});
    stacks.add(grouping, {allocator, stacks.address({own("make_leaf", 5)}), stacks.address({own("make_branch", 6)}),
                          stacks.address({own("build_tree", 11)}), stacks.address({own("caller_0", 100)})});
    std::vector<std::string> sites = site_functions(grouping.resolve());
    CHECK(std::count(sites.begin(), sites.end(), "build_tree") == 1);
  }
}

TEST_CASE("an inlined helper shared by two functions gives way to their lines") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  uint64_t allocator = stacks.address({malloc_frame()});
  uint64_t main = stacks.address({own("main", 1)});
  stacks.add(grouping, {allocator, stacks.address({inlined("take_chunk", 40), own("grow_index", 87)}), main});
  stacks.add(grouping, {allocator, stacks.address({inlined("take_chunk", 40), own("refresh_table", 88)}), main});
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"grow_index", "refresh_table"});
  CHECK(skipped(resolved) == std::vector<std::string>{"take_chunk detected"});
}

TEST_CASE("an inlined helper of one function stays its site: it is finer than the function") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  uint64_t allocator = stacks.address({malloc_frame()});
  uint64_t main = stacks.address({own("main", 1)});
  stacks.add(grouping, {allocator, stacks.address({inlined("take_chunk", 40), own("grow_index", 87)}), main});
  stacks.add(grouping, {allocator, stacks.address({inlined("take_chunk", 40), own("grow_index", 90)}), main});
  CHECK(site_functions(grouping.resolve()) == std::vector<std::string>{"take_chunk"});
}

TEST_CASE("an inlined helper around a detected wrapper gives way too") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  uint64_t allocator = stacks.address({malloc_frame()});
  uint64_t wrapper = stacks.address({own("obtain_cell", 10)});
  uint64_t main = stacks.address({own("main", 1)});
  for (const Frame& caller : callers(4))
    stacks.add(grouping, {allocator, wrapper, stacks.address({inlined("new_node", 20), caller}), main});
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"caller_0", "caller_1", "caller_2", "caller_3"});
  CHECK(skipped(resolved) == std::vector<std::string>{"new_node detected", "obtain_cell detected"});
}

TEST_CASE("known and --wrapper wrappers are skipped and listed with their reason") {
  SiteGrouping grouping(GroupBy::line, false, AllocationWrappers({"fetch_slab"}));
  Stacks stacks;
  stacks.through(grouping, own("fetch_slab", 46), callers(2));
  stacks.through(grouping, own("xmalloc", 22), {own("remember_name", 66)});
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"caller_0", "caller_1", "remember_name"});
  CHECK(skipped(resolved) == std::vector<std::string>{"fetch_slab pattern", "xmalloc named"});  // most stacks first
}

TEST_CASE("the stacks of one site share its series: each path maps to its site") {
  SiteGrouping grouping(GroupBy::function, false);
  Stacks stacks;
  stacks.through(grouping, own("obtain_cell", 10), {own("caller_0", 100), own("caller_0", 101)});
  stacks.through(grouping, own("obtain_cell", 10), {own("caller_1", 110), own("caller_2", 120), own("caller_3", 130)});
  ResolvedSites resolved = grouping.resolve();
  REQUIRE(resolved.sites.size() == 4);
  CHECK(grouping.site_of(1) != grouping.site_of(2));  // two paths (two lines of caller_0) ...
  CHECK(resolved.site_of_path[grouping.site_of(1)] == resolved.site_of_path[grouping.site_of(2)]);  // ... one site
  CHECK(resolved.paths_of_site[resolved.site_of_path[grouping.site_of(1)]].size() == 2);
}

TEST_CASE("--keep-frames: the innermost frame is the site and nothing is skipped") {
  SiteGrouping grouping(GroupBy::line, true);
  Stacks stacks;
  stacks.through(grouping, own("obtain_cell", 10), callers(4));
  ResolvedSites resolved = grouping.resolve();
  CHECK(site_functions(resolved) == std::vector<std::string>{"malloc"});
  CHECK(resolved.skipped_wrappers.empty());
}

TEST_CASE("a stack of runtime frames alone is named after its innermost function, not an inlined helper") {
  auto interpreter = [](std::string function, uint32_t line, bool inlined) {
    return Frame{.function = std::move(function), .file = "obmalloc.c", .line = line,
                 .module = "/usr/bin/python3.11", .inlined = inlined};
  };
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  uint64_t outer = stacks.address({interpreter("Py_RunMain", 1, false)});
  for (const char* function : {"new_keys_object", "PyDict_Copy"})
    stacks.add(grouping, {stacks.address({interpreter("PyObject_Malloc", 712, true), interpreter(function, 50, false)}),
                          outer});
  CHECK(site_functions(grouping.resolve()) == std::vector<std::string>{"PyDict_Copy", "new_keys_object"});
}

TEST_CASE("the interpreter's inlined frames at the call into C stand inside the Python frames") {
  auto interpreter = [](std::string function, bool inlined) {
    return Frame{.function = std::move(function), .module = "/usr/bin/python3.11", .inlined = inlined};
  };
  auto python = [](std::string function) { return Frame{.function = std::move(function), .python = true}; };
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  stacks.add(grouping, {stacks.address({own("tokenize", 52)}), stacks.address({python("handle")}),
                        stacks.address({python("serve")}),
                        stacks.address({interpreter("do_call_core", true), interpreter("_PyEval_EvalFrameDefault", false)})});
  std::vector<std::string> order, indexed_order;
  for (const Frame& frame : grouping.frames_of(1)) order.push_back(frame.function);
  for (uint32_t index : grouping.frame_indexes_of(1)) indexed_order.push_back(grouping.frames()[index].function);
  CHECK(order == std::vector<std::string>{"tokenize", "do_call_core", "handle", "serve", "_PyEval_EvalFrameDefault"});
  CHECK(indexed_order == order);  // what export reads
  CHECK(site_functions(grouping.resolve()) == std::vector<std::string>{"tokenize"});
}

TEST_CASE("stacks through the same return addresses index the same frames, kept once") {
  SiteGrouping grouping(GroupBy::line, false);
  Stacks stacks;
  stacks.through(grouping, own("Pool::take", 7), callers(3));  // malloc, Pool::take and main shared
  REQUIRE(grouping.frames().size() == 6);
  std::vector<uint32_t> first = grouping.frame_indexes_of(1), last = grouping.frame_indexes_of(3);
  REQUIRE(first.size() == 4);
  REQUIRE(last.size() == 4);
  CHECK(first[0] == last[0]);
  CHECK(first[1] == last[1]);
  CHECK(first[2] != last[2]);  // the callers differ
  CHECK(first[3] == last[3]);
  CHECK(grouping.frames()[last[2]].function == "caller_2");
}

TEST_CASE("without symbols, call sites count as callers") {
  std::vector<Frame> frames;
  for (int i = 0; i < 5; ++i) frames.push_back({.ip = uint64_t(0x1000 + i), .function = "git+0x" + std::to_string(i)});
  Frame wrapper{.ip = 0x2000, .function = "git+0x289719"};
  std::vector<CallPath> paths;
  for (int i = 0; i < 4; ++i) paths.push_back({&wrapper, &frames[size_t(i)]});
  DetectedWrappers detected = detect_wrappers(paths, {});
  CHECK(detected.contains("git+0x289719"));
  CHECK(site_position(paths[0], detected) == 1);
  paths.pop_back();
  CHECK(detect_wrappers(paths, {}).empty());
}

}  // namespace leakrank
