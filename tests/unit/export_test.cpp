#include <doctest/doctest.h>
#include <zlib.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/export.h"

using namespace leakrank;

namespace {

Frame frame(std::string function, uint64_t ip, bool inlined = false, std::string module = "/opt/app/bin/app") {
  return Frame{.ip = ip, .function = std::move(function), .file = "app.cpp", .line = static_cast<uint32_t>(ip % 100),
               .module = std::move(module), .inlined = inlined};
}

// Innermost first, as the analyzer stores stacks.
const std::vector<Frame> kCacheStack = {frame("malloc", 0x7000, false, "/usr/lib/libleakrank.so"),
                                        frame("Cache::insert(std::string const&)", 0x1010),
                                        frame("main", 0x1001)};
const std::vector<Frame> kInlinedStack = {frame("Parser::token()", 0x2022, true), frame("Parser::run()", 0x2022),
                                          frame("main", 0x1002)};

Analysis two_stacks() {
  Analysis a;
  a.path = "app.lrk";
  a.meta.start_unix_ns = 1'700'000'000'000'000'000;
  a.duration_s = 2.5;
  a.stacks.add(kCacheStack, {.live_bytes = 4096, .live_allocations = 4, .total_bytes = 8192, .total_allocations = 8});
  a.stacks.add(kInlinedStack, {.live_bytes = 100, .live_allocations = 1, .total_bytes = 700, .total_allocations = 7});
  a.stacks.add(std::vector{frame("Temp::make", 0x3003), frame("main", 0x1003)}, {.total_bytes = 50, .total_allocations = 1});
  return a;
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  REQUIRE(result == Z_STREAM_END);
  return out;
}

// A minimal protobuf reader, enough to walk a profile: varint and length-delimited fields.
struct Field {
  uint32_t number = 0;
  uint64_t varint = 0;
  std::string_view bytes;
};

uint64_t read_varint(std::string_view& in) {
  uint64_t value = 0;
  for (int shift = 0; !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    value |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) return value;
  }
  FAIL("truncated varint");
  return 0;
}

std::multimap<uint32_t, Field> decode(std::string_view in) {
  std::multimap<uint32_t, Field> fields;
  while (!in.empty()) {
    const uint64_t tag = read_varint(in);
    Field field{.number = static_cast<uint32_t>(tag >> 3)};
    switch (tag & 7) {
      case 0: field.varint = read_varint(in); break;
      case 2: {
        const uint64_t size = read_varint(in);
        REQUIRE(size <= in.size());
        field.bytes = in.substr(0, size);
        in.remove_prefix(size);
        break;
      }
      default: FAIL("unexpected wire type " << (tag & 7));
    }
    fields.emplace(field.number, field);
  }
  return fields;
}

std::vector<const Field*> all(const std::multimap<uint32_t, Field>& fields, uint32_t number) {
  std::vector<const Field*> out;
  for (auto [it, end] = fields.equal_range(number); it != end; ++it) out.push_back(&it->second);
  return out;
}

uint64_t one(const std::multimap<uint32_t, Field>& fields, uint32_t number) {
  auto found = fields.find(number);
  return found == fields.end() ? 0 : found->second.varint;
}

std::vector<uint64_t> packed(std::string_view in) {
  std::vector<uint64_t> values;
  while (!in.empty()) values.push_back(read_varint(in));
  return values;
}

// The profile, decoded into what the checks need: names instead of ids.
struct DecodedProfile {
  std::vector<std::string> strings;
  std::vector<std::pair<std::string, std::string>> sample_types;
  std::string default_sample_type;
  struct Sample {
    std::vector<std::vector<std::string>> locations;  // per location, its lines' function names
    std::vector<uint64_t> values;
  };
  std::vector<Sample> samples;
  std::vector<std::string> mapping_files;
  uint64_t time_nanos = 0, duration_nanos = 0;
};

DecodedProfile decode_profile(const std::string& gzipped) {
  const std::string raw = gunzip(gzipped);
  const auto profile = decode(raw);
  DecodedProfile out;
  for (const Field* s : all(profile, 6)) out.strings.emplace_back(s->bytes);
  REQUIRE(!out.strings.empty());
  CHECK(out.strings[0].empty());
  auto str = [&](uint64_t index) { REQUIRE(index < out.strings.size()); return out.strings[index]; };
  for (const Field* t : all(profile, 1)) {
    const auto type = decode(t->bytes);
    out.sample_types.emplace_back(str(one(type, 1)), str(one(type, 2)));
  }
  out.default_sample_type = str(one(profile, 14));
  out.time_nanos = one(profile, 9);
  out.duration_nanos = one(profile, 10);
  std::map<uint64_t, std::string> function_names;
  for (const Field* f : all(profile, 5)) {
    const auto function = decode(f->bytes);
    function_names[one(function, 1)] = str(one(function, 2));
  }
  std::map<uint64_t, std::vector<std::string>> location_lines;
  std::map<uint64_t, uint64_t> location_mapping;
  for (const Field* l : all(profile, 4)) {
    const auto location = decode(l->bytes);
    for (const Field* line : all(location, 4)) {
      const uint64_t function_id = one(decode(line->bytes), 1);
      REQUIRE(function_names.count(function_id) == 1);
      location_lines[one(location, 1)].push_back(function_names[function_id]);
    }
    location_mapping[one(location, 1)] = one(location, 2);
  }
  std::map<uint64_t, std::string> mapping_files;
  for (const Field* m : all(profile, 3)) {
    const auto mapping = decode(m->bytes);
    mapping_files[one(mapping, 1)] = str(one(mapping, 5));
    CHECK(one(mapping, 7) == 1);  // has_functions: pprof must not symbolize again
    CHECK(one(mapping, 2) < one(mapping, 3));
    out.mapping_files.push_back(str(one(mapping, 5)));
  }
  for (const auto& [location, mapping] : location_mapping) CHECK(mapping_files.count(mapping) == 1);
  for (const Field* s : all(profile, 2)) {
    const auto sample = decode(s->bytes);
    DecodedProfile::Sample decoded;
    for (uint64_t id : packed(sample.find(1)->second.bytes)) {
      REQUIRE(location_lines.count(id) == 1);
      decoded.locations.push_back(location_lines[id]);
    }
    decoded.values = packed(sample.find(2)->second.bytes);
    out.samples.push_back(decoded);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    lines.push_back(text.substr(begin, end - begin));
  }
  return lines;
}

}  // namespace

TEST_CASE("folded: one line per stack, outermost first, live bytes at the end") {
  const auto lines = lines_of(render_folded(two_stacks()));
  REQUIRE(lines.size() == 2);  // the stack with nothing live is left out
  CHECK(lines[0] == "main;Cache::insert(std::string const&);malloc 4096");
  CHECK(lines[1] == "main;Parser::run();Parser::token() 100");
}

TEST_CASE("folded: names keep their spaces; semicolons and unknown functions are made safe") {
  Analysis a;
  a.stacks.add(std::vector{Frame{.function = "??", .module = "/usr/lib/libz.so.1"}, Frame{.function = "f<a;b>(int, int)"},
                           Frame{.function = "??"}},
               {.live_bytes = 7});
  a.stacks.add(std::vector{Frame{.function = "f<a;b>(int, int)"}}, {.live_bytes = 1});
  a.stacks.add(std::vector{Frame{.function = "f<a;b>(int, int)"}}, {.live_bytes = 2});
  const auto lines = lines_of(render_folded(a));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "[unknown];f<a,b>(int, int);[libz.so.1] 7");
  CHECK(lines[1] == "f<a,b>(int, int) 3");  // identical stacks merged
}

TEST_CASE("stacks that share frames export as if each had its own") {
  Analysis a;
  a.stacks.frames = {frame("malloc", 0x7000, false, "/usr/lib/libleakrank.so"), frame("Parser::token()", 0x2022, true),
                     frame("Parser::run()", 0x2022), frame("Cache::insert(std::string const&)", 0x1010),
                     frame("main", 0x1001)};
  a.stacks.samples = {{.frames = {0, 1, 2, 4}, .live_bytes = 8, .live_allocations = 1},
                      {.frames = {0, 3, 4}, .live_bytes = 16, .live_allocations = 2},
                      {.frames = {0, 1, 2, 4}, .live_bytes = 4, .live_allocations = 1}};
  const auto lines = lines_of(render_folded(a));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "main;Cache::insert(std::string const&);malloc 16");
  CHECK(lines[1] == "main;Parser::run();Parser::token();malloc 12");
  const auto profile = decode_profile(render_pprof(a));
  REQUIRE(profile.samples.size() == 3);
  using Lines = std::vector<std::string>;
  CHECK(profile.samples[0].locations == std::vector<Lines>{{"Parser::token()", "Parser::run()"}, {"main"}});
  CHECK(profile.samples[1].locations == std::vector<Lines>{{"Cache::insert(std::string const&)"}, {"main"}});
  CHECK(profile.samples[2].locations == profile.samples[0].locations);
}

TEST_CASE("without collected stacks, each site exports its largest stack") {
  Analysis a;
  a.sites = {Site{.key = "k", .function = "Cache::insert(std::string const&)", .frames = kCacheStack,
                  .live_bytes = 10, .live_allocations = 1, .total_bytes = 30, .total_allocations = 3}};
  CHECK(render_folded(a) == "main;Cache::insert(std::string const&);malloc 10\n");
  const auto profile = decode_profile(render_pprof(a));
  REQUIRE(profile.samples.size() == 1);
  CHECK(profile.samples[0].values == std::vector<uint64_t>{10, 1, 30, 3});
}

TEST_CASE("pprof: sample types, values, stacks and inlined frames survive a round trip") {
  const auto profile = decode_profile(render_pprof(two_stacks()));
  using Type = std::pair<std::string, std::string>;
  CHECK(profile.sample_types == std::vector<Type>{{"inuse_space", "bytes"}, {"inuse_objects", "count"},
                                                  {"alloc_space", "bytes"}, {"alloc_objects", "count"}});
  CHECK(profile.default_sample_type == "inuse_space");
  CHECK(profile.time_nanos == 1'700'000'000'000'000'000);
  CHECK(profile.duration_nanos == 2'500'000'000);
  REQUIRE(profile.samples.size() == 3);  // freed-only stacks still count for alloc_space

  const auto& cache = profile.samples[0];
  CHECK(cache.values == std::vector<uint64_t>{4096, 4, 8192, 8});
  using Lines = std::vector<std::string>;
  // The allocator's frame is left out: the program's function is the leaf `pprof -top` ranks.
  CHECK(cache.locations == std::vector<Lines>{{"Cache::insert(std::string const&)"}, {"main"}});

  const auto& parser = profile.samples[1];
  CHECK(parser.values == std::vector<uint64_t>{100, 1, 700, 7});
  // The inlined frame and its caller share one address, so one location with two lines.
  CHECK(parser.locations == std::vector<Lines>{{"Parser::token()", "Parser::run()"}, {"main"}});

  CHECK(profile.samples[2].values == std::vector<uint64_t>{0, 0, 50, 1});
  CHECK(profile.mapping_files == std::vector<std::string>{"/opt/app/bin/app"});
}

TEST_CASE("pprof: the program's frame comes first, past malloc, operator new and library templates") {
  const std::vector<Frame> through_new = {
      frame("malloc", 0x7000, false, "/usr/lib/libleakrank.so"),
      frame("operator new(unsigned long)", 0x5000, false, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"),
      Frame{.ip = 0x1020, .function = "std::__new_allocator<int>::allocate(unsigned long, void const*)",
            .file = "/usr/include/c++/12/bits/new_allocator.h", .line = 137, .module = "/opt/app/bin/app",
            .inlined = true},
      frame("Store::grow()", 0x1020), frame("main", 0x1004)};
  const std::vector<Frame> start_up = {frame("malloc", 0x7000, false, "/usr/lib/libleakrank.so"),
                                       frame("libstdc++.so.6+0xa57ba", 0x5100, false,
                                             "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"),
                                       frame("_dl_init", 0x9000, false, "/lib64/ld-linux-x86-64.so.2")};
  Analysis a;
  a.stacks.add(through_new, {.live_bytes = 64, .live_allocations = 1});
  a.stacks.add(start_up, {.live_bytes = 72704, .live_allocations = 1});
  const auto profile = decode_profile(render_pprof(a));
  REQUIRE(profile.samples.size() == 2);
  using Lines = std::vector<std::string>;
  // The inlined std:: template is library code too: Store::grow() is the leaf.
  CHECK(profile.samples[0].locations == std::vector<Lines>{{"Store::grow()"}, {"main"}});
  // Nothing of the program's: the stack stays whole, so the block is still somewhere.
  CHECK(profile.samples[1].locations ==
        std::vector<Lines>{{"malloc"}, {"libstdc++.so.6+0xa57ba"}, {"_dl_init"}});
}

TEST_CASE("pprof: recorded modules give mappings their real range") {
  Analysis a = two_stacks();
  a.modules = {ModuleInfo{.path = "/opt/app/bin/app", .start = 0x1000, .end = 0x9000, .build_id = "\x12\xab"}};
  const std::string raw = gunzip(render_pprof(a));
  // Walk the raw fields: the app's mapping spans the recorded range and names its build-id.
  const auto profile = decode(raw);
  std::vector<std::string> strings;
  for (const Field* s : all(profile, 6)) strings.emplace_back(s->bytes);
  bool found = false;
  for (const Field* m : all(profile, 3)) {
    const auto mapping = decode(m->bytes);
    if (strings[one(mapping, 5)] != "/opt/app/bin/app") continue;
    found = true;
    CHECK(one(mapping, 2) == 0x1000);
    CHECK(one(mapping, 3) == 0x9000);
    CHECK(strings[one(mapping, 6)] == "12ab");
  }
  CHECK(found);
}
