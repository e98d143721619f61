#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <csignal>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "recording/pipelined_reader.h"
#include "recording/recording_reader.h"
#include "recording/recording_writer.h"
#include "recording/varint.h"

namespace leakrank {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kMaxU32 = std::numeric_limits<uint32_t>::max();
constexpr int32_t kMinI32 = std::numeric_limits<int32_t>::min();

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "leakrank-recording-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

using Bytes = std::vector<uint8_t>;

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += "[" + p + "]";
  return s;
}

// Every record as one comparable line, so a whole read is a vector of strings: the kind's
// tag, then each field as record_kinds.h lists it (the log is a coder of those fields).
struct RecordLog : RecordSink {
  std::vector<std::string> lines;

#define LEAKRANK_LOG_RECORD(Kind) \
  void on(const Kind& record) override { log(record); }
  LEAKRANK_RECORD_KINDS(LEAKRANK_LOG_RECORD)
#undef LEAKRANK_LOG_RECORD
  void on_heap_records(std::span<const HeapRecord> records) override {
    for (const HeapRecord& r : records) heap_record(r.event, r.time_ns, r.size, r.stack_id);
  }
  void heap_record(HeapEvent event, uint64_t t, uint64_t size, uint32_t stack_id) {
    const char* name = event == HeapEvent::alloc ? "alloc " : event == HeapEvent::free ? "free " : "temporary_free ";
    lines.push_back(name + std::to_string(t) + " " + std::to_string(size) + " " + std::to_string(stack_id));
  }

  // The field coders.
  void varint(uint64_t v) { field(std::to_string(v)); }
  void zigzag(int64_t v) { field(std::to_string(v)); }
  void u32(uint32_t v) { field(std::to_string(v)); }
  void i32(int32_t v) { field(std::to_string(v)); }
  void pid(int32_t v) { field(std::to_string(v)); }
  void flag(uint8_t v) { field(std::to_string(v)); }
  void string(std::string_view s) { field("[" + std::string(s) + "]"); }
  void strings(const std::vector<std::string>& list) { field(join(list)); }
  void frames(const std::vector<uint64_t>& ips) {
    field(std::to_string(ips.size()) + ":");
    for (uint64_t ip : ips) varint(ip);
  }
  void modules(const std::vector<ModuleInfo>& list) {
    for (const ModuleInfo& m : list) {
      field("{");
      ModuleInfo::fields(m, *this);
      field("}");
    }
  }

 private:
  template <class Kind>
  void log(const Kind& record) {
    lines.push_back("record " + std::to_string(int(Kind::tag)));
    if constexpr (TimedRecord<Kind>) varint(record.time_ns);
    Kind::fields(record, *this);
  }
  void field(const std::string& text) { lines.back().append(" ").append(text); }
};

// Writes each record and remembers what the reader must give back for it: a free gives
// back the size and stack of the block it ends, and whether that was the latest record.
struct Script {
  struct Block {
    uint64_t size;
    uint32_t stack_id;
  };
  RecordingWriter& writer;
  RecordLog expected;
  std::map<uint64_t, Block> live;
  std::optional<uint64_t> just_allocated;  // the address of the latest record, if an alloc

  Script(RecordingWriter& w, const RecordingMeta& meta) : writer(w) { expected.on(meta); }
  template <class Kind>
  void write(const Kind& record) {
    writer.write(record);
    expected.on(record);
  }
  void alloc(uint64_t t, uint64_t address, uint64_t size, uint32_t stack_id) {
    writer.alloc(t, address, size, stack_id);
    if (live.count(address)) expect_free(t, address);  // it was freed where the writer could not see
    expected.heap_record(HeapEvent::alloc, t, size, stack_id);
    live[address] = {size, stack_id};
    just_allocated = address;
  }
  void free(uint64_t t, uint64_t address) {
    writer.free(t, address);
    if (live.count(address)) expect_free(t, address);
    else expected.on(UnmatchedFreeRecord{t, address});
    just_allocated.reset();
  }
  void expect_free(uint64_t t, uint64_t address) {
    Block block = live[address];
    live.erase(address);
    HeapEvent event = just_allocated == address ? HeapEvent::temporary_free : HeapEvent::free;
    expected.heap_record(event, t, block.size, block.stack_id);
  }
};

RecordingMeta sample_meta() {
  RecordingMeta meta;
  meta.command = {"./tokenizer", "--docs", "20000"};
  meta.pid = 4242;
  meta.start_unix_ns = 1'700'000'000'000'000'000;
  meta.max_depth = 64;
  meta.tool_version = "0.1.0";
  return meta;
}

struct ReadResult {
  RecordLog log;
  ReadSummary summary;
};

ReadResult read_all(const std::string& path) {
  ReadResult result;
  result.summary = read_recording(path, result.log);
  return result;
}

std::optional<std::string> read_error(const std::string& path) {
  RecordLog log;
  try {
    read_recording(path, log);
  } catch (const RecordingError& e) {
    return e.what();
  }
  return std::nullopt;
}

bool is_one_line(const std::string& message) { return !message.empty() && message.find('\n') == std::string::npos; }

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& whole) {
  return prefix.size() <= whole.size() && std::equal(prefix.begin(), prefix.end(), whole.begin());
}

// A recording of several small blocks, and where each block ends.
struct SmallRecording {
  std::vector<std::string> expected;
  std::vector<uint64_t> block_ends;     // file offsets, the first is the end of the meta block
  std::vector<size_t> records_before;   // records in the blocks before each block end
  uint64_t size = 0;
};

SmallRecording write_small_recording(const std::string& path) {
  SmallRecording small;
  RecordingWriter writer(path, sample_meta());
  Script script(writer, sample_meta());
  auto mark_block_end = [&] {
    writer.flush();
    small.block_ends.push_back(writer.file_bytes());
    small.records_before.push_back(script.expected.lines.size());
  };
  mark_block_end();
  script.write(ModuleMapRecord{1, {{"/usr/lib/libc.so.6", 0x7f0000000000, 0x7f0000200000, 0x7f0000000000, "\x01\x02"}}});
  script.write(StackRecord{1, {0x401000, 0x402000}});
  mark_block_end();
  for (uint64_t i = 0; i < 6; ++i) {
    script.alloc(1000 * i + 10, 0x5000 + 64 * i, 32 + i, 1);
    script.free(1000 * i + 20, 0x5000 + 64 * i);
    script.write(RssRecord{1000 * i + 30, 1 << 20});
    mark_block_end();
  }
  script.write(SnapshotRecord{9000, "mark"});
  script.write(EndRecord{9500, 0});
  mark_block_end();
  small.expected = script.expected.lines;
  small.size = writer.file_bytes();
  return small;
}

// A recording whose first block is a writer's meta block and whose next blocks hold the
// given raw payloads, compressed as the writer would: for records a writer never makes.
std::string recording_with_payloads(const TempDir& dir, const std::vector<Bytes>& payloads) {
  std::string path = dir.file("crafted.lrk");
  { RecordingWriter writer(path, sample_meta()); }
  Bytes file = read_bytes(path);
  for (const Bytes& payload : payloads) {
    Bytes frame(ZSTD_compressBound(payload.size()));
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    frame.resize(ZSTD_compress2(cctx, frame.data(), frame.size(), payload.data(), payload.size()));
    ZSTD_freeCCtx(cctx);
    for (uint32_t v : {uint32_t(frame.size()), uint32_t(payload.size())}) {
      for (int i = 0; i < 4; ++i) file.push_back(uint8_t(v >> (8 * i)));
    }
    file.insert(file.end(), frame.begin(), frame.end());
  }
  write_bytes(path, file);
  return path;
}

Bytes varint_bytes(uint64_t v) {
  uint8_t buffer[kMaxVarintBytes];
  return Bytes(buffer, encode_varint(v, buffer));
}

Bytes record(RecordTag tag, const std::vector<Bytes>& fields) {
  Bytes bytes{uint8_t(tag)};
  for (const Bytes& f : fields) bytes.insert(bytes.end(), f.begin(), f.end());
  return bytes;
}


// Everything a read gives back, to compare the pipelined reader with the plain one.
struct Outcome {
  std::vector<std::string> lines;
  uint64_t records = 0;
  uint64_t blocks = 0;
  bool complete = false;
  std::string warning;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

using Reader = ReadSummary (*)(const std::string&, RecordSink&);

Outcome outcome_of(Reader read, const std::string& path) {
  Outcome outcome;
  RecordLog log;
  try {
    ReadSummary summary = read(path, log);
    outcome.records = summary.records;
    outcome.blocks = summary.blocks;
    outcome.complete = summary.complete;
    outcome.warning = summary.warning;
  } catch (const RecordingError& e) {
    outcome.error = e.what();
  }
  outcome.lines = std::move(log.lines);
  return outcome;
}

void check_pipelined_reads_alike(const std::string& path) {
  CHECK(outcome_of(read_recording_pipelined, path) == outcome_of(read_recording, path));
}

}  // namespace

TEST_CASE("varints and zigzag round-trip edge values and reject overruns") {
  for (uint64_t v : {uint64_t(0), uint64_t(1), uint64_t(127), uint64_t(128), uint64_t(1) << 63, kMaxU64}) {
    Bytes bytes = varint_bytes(v);
    uint64_t decoded = 0;
    CHECK(decode_varint(bytes.data(), bytes.data() + bytes.size(), decoded) == bytes.data() + bytes.size());
    CHECK(decoded == v);
    CHECK(decode_varint(bytes.data(), bytes.data() + bytes.size() - 1, decoded) == nullptr);
  }
  CHECK(varint_bytes(kMaxU64).size() == kMaxVarintBytes);
  for (int64_t v : {int64_t(0), int64_t(-1), int64_t(1), std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    CHECK(zigzag_decode(zigzag_encode(v)) == v);
  }
  CHECK(zigzag_encode(-1) == 1);
  Bytes too_wide(kMaxVarintBytes - 1, 0xff);
  too_wide.push_back(0x02);  // bit 64
  uint64_t decoded = 0;
  CHECK(decode_varint(too_wide.data(), too_wide.data() + too_wide.size(), decoded) == nullptr);
  Bytes too_long(kMaxVarintBytes + 1, 0x80);
  CHECK(decode_varint(too_long.data(), too_long.data() + too_long.size(), decoded) == nullptr);
}

TEST_CASE("every record type round-trips with edge values") {
  TempDir dir;
  std::string path = dir.file("edges.lrk");
  RecordingMeta meta;
  meta.command = {"", std::string(5000, 'p'), "arg with spaces"};
  meta.pid = std::numeric_limits<int32_t>::max();
  meta.parent_pid = -1;
  meta.start_unix_ns = std::numeric_limits<int64_t>::min();
  meta.sample_bytes = kMaxU64;
  meta.max_depth = kMaxU32;
  meta.attached = 1;
  std::vector<uint64_t> deepest(kMaxStackDepth);
  std::mt19937_64 random(7);
  for (uint64_t& ip : deepest) ip = random();
  deepest.front() = 0;
  deepest.back() = kMaxU64;
  std::vector<std::string> expected;
  RecordLog followed;  // what an observer of the blocks is shown must be what the file holds
  {
    RecordingWriter writer(path, meta, [&](const BlockRecords& block) { block.replay(followed); });
    Script script(writer, meta);
    script.write(ModuleMapRecord{0, {}});
    script.write(ModuleMapRecord{kMaxU32, {{"", 0, 0, 0, ""},
                                {std::string(4096, 'l'), kMaxU64, kMaxU64, kMaxU64, std::string("\0\xff\x10", 3)}}});
    script.write(StackRecord{0, {}});
    script.write(StackRecord{kMaxU32, deepest});
    script.alloc(0, 0, 0, 0);
    script.alloc(kMaxU64, kMaxU64, kMaxU64, kMaxU32);
    script.free(5, 0);                  // time and address both step backwards
    script.free(5, kMaxU64);
    script.alloc(4, 1ull << 63, 1, 3);  // time backwards again
    script.free(6, kMaxU64 - 1);        // never allocated
    script.alloc(7, 1ull << 63, 2, 4);  // still live there: the block before was freed unseen
    script.write(RssRecord{0, kMaxU64});
    script.write(SnapshotRecord{kMaxU64, ""});
    script.write(SnapshotRecord{1, std::string(10000, 's')});
    script.write(ChildRecord{2, -5, ""});
    script.write(ChildRecord{3, std::numeric_limits<int32_t>::max(), std::string(4096, 'c')});
    script.write(CommandRecord{4, {}});
    script.write(CommandRecord{kMaxU64, {"", std::string(4096, 'x'), "nginx: worker process"}});
    script.write(ExecRecord{8});
    script.write(MapRecord{9, kMaxU64, kMaxU64, kMaxU32, kMaxU64});
    script.write(MapRecord{9, 0, 0, 0, 0});
    script.write(UnmapRecord{kMaxU64, kMaxU64 - 4096, 4096});
    script.write(AccessRecord{10, AccessRecord::reserve, 1ull << 40, 1ull << 30, 0});
    script.write(AccessRecord{10, AccessRecord::commit, kMaxU64, kMaxU64, kMaxU32});
    script.write(AccessRecord{11, kMaxU32, 0, 0, 0});  // no change by that number: kept as it is, for the analysis to ignore
    script.write(ResidentFilesRecord{3, kMaxU64});
    script.write(PythonInterpreterRecord{4, 0x030b02f0, 1});
    script.write(PythonCodeRecord{kMaxU32, kMaxU32, "Service.handle", "/srv/app.py", std::string("\x80\x00\xff", 3)});
    script.write(EndRecord{kMaxU64, kMinI32});
    script.write(EndRecord{0, -1});
    expected = script.expected.lines;
    CHECK(writer.records() == expected.size());
  }
  ReadResult result = read_all(path);
  CHECK(result.log.lines == expected);
  CHECK(result.summary.complete);
  CHECK(result.summary.warning.empty());
  CHECK(result.summary.records == expected.size());
  CHECK(followed.lines == expected);
  RecordingMeta meta_only = read_recording_meta(path);
  CHECK(meta_only.command == meta.command);
  CHECK(meta_only.parent_pid == -1);
  CHECK(meta_only.start_unix_ns == meta.start_unix_ns);
  CHECK(meta_only.max_depth == kMaxU32);
}

// A free names its block by age while the block's allocation is among the payload's last
// 256, and by size and stack otherwise: older, in an earlier payload, or gone from the
// writer's young-block cache into its table. Every way must give back the same block,
// from the file and from the blocks as the writer's observer saw them.
TEST_CASE("frees name the block they end, young or old, in this payload or an earlier one") {
  TempDir dir;
  std::string path = dir.file("frees.lrk");
  std::vector<std::string> expected;
  RecordLog followed;
  uint64_t followed_records = 0;
  {
    RecordingWriter writer(path, sample_meta(), [&](const BlockRecords& block) {
      block.replay(followed);
      followed_records += block.records();
    });
    Script script(writer, sample_meta());
    std::mt19937_64 random(11);
    std::vector<uint64_t> live;
    uint64_t t = 0;
    for (uint64_t i = 0; i < 20'000; ++i) {
      uint64_t address = 0x100000 + i * 48;
      t += random() % 2;  // records often share a time, which the format leaves out
      script.alloc(t, address, 16 + random() % 2000, uint32_t(random() % 50));
      live.push_back(address);
      if (random() % 3 == 0) {  // a young block, or one from long ago
        size_t victim = random() % 2 ? live.size() - 1 - random() % std::min<size_t>(live.size(), 300)
                                     : random() % live.size();
        script.free(t += random() % 2, live[victim]);
        live.erase(live.begin() + long(victim));
      }
      if (i % 7000 == 6999) writer.flush();  // later frees reach back into earlier payloads
    }
    std::shuffle(live.begin(), live.end(), random);
    for (uint64_t address : live) script.free(++t, address);
    expected = script.expected.lines;
  }
  ReadResult result = read_all(path);
  CHECK(result.log.lines == expected);
  CHECK(result.summary.warning.empty());
  CHECK(followed.lines == expected);
  CHECK(followed_records == result.summary.records);
}

TEST_CASE("a stack deeper than the format allows keeps its innermost frames") {
  TempDir dir;
  std::string path = dir.file("deep.lrk");
  std::vector<uint64_t> ips(kMaxStackDepth + 10);
  for (size_t i = 0; i < ips.size(); ++i) ips[i] = 0x400000 + i;
  {
    RecordingWriter writer(path, sample_meta());
    writer.write(StackRecord{1, ips});
  }
  struct StackSink : RecordSink {
    std::vector<uint64_t> frames;
    void on(const StackRecord& record) override { frames = record.ips; }
  } sink;
  read_recording(path, sink);
  CHECK(sink.frames == std::vector<uint64_t>(ips.begin(), ips.begin() + kMaxStackDepth));
}

// The observer's copy of a block takes 24 bytes a record: an observed block ends after
// 2^17 allocations and frees, however few bytes they take in the file.
TEST_CASE("an observed block ends at 131072 allocations and frees, well before a megabyte") {
  TempDir dir;
  std::string path = dir.file("observed.lrk");
  std::vector<uint64_t> heap_records_per_block;
  {
    RecordingWriter writer(path, sample_meta(), [&](const BlockRecords& block) {
      heap_records_per_block.push_back(block.heap_records());
    });
    for (uint64_t i = 0; i < 200'000; ++i) {  // a few bytes a pair: 400 000 records in under 1 MiB
      writer.alloc(7, 0x10000000, 32, 1);
      writer.free(7, 0x10000000);
    }
  }
  REQUIRE(heap_records_per_block.size() >= 4);  // the meta block, then three full ones and the rest
  for (uint64_t records : heap_records_per_block) CHECK(records <= (uint64_t(1) << 17));
  CHECK(heap_records_per_block[1] == (uint64_t(1) << 17));
}

TEST_CASE("a long stream spans many blocks and reads back whole") {
  TempDir dir;
  std::string path = dir.file("long.lrk");
  uint64_t written = 0;
  uint64_t file_bytes = 0;
  uint64_t checksum = 0;
  {
    RecordingWriter writer(path, sample_meta());
    for (uint64_t i = 0; i < 600'000; ++i) {
      uint64_t address = 0x10000000 + (i * 4099) % (1 << 22);
      writer.alloc(i * 50, address, 16 + i % 4000, uint32_t(i % 3000));
      writer.free(i * 50 + 25, address);
      checksum += i * 50 + 16 + i % 4000 + i % 3000;
    }
    writer.write(EndRecord{600'000 * 50, 0});
    written = writer.records();
    writer.flush();
    file_bytes = writer.file_bytes();
  }
  struct Totals : RecordSink {
    uint64_t sum = 0;
    int64_t live_bytes = 0;
    uint64_t last_time = 0;
    bool ordered = true;
    void on_alloc(uint64_t t, uint64_t s, uint32_t id) override {
      ordered &= t >= last_time;
      last_time = t;
      sum += t + s + id;
      live_bytes += int64_t(s);
    }
    void on_free(uint64_t, uint64_t s, uint32_t) override { live_bytes -= int64_t(s); }
  } totals;
  ReadSummary summary = read_recording(path, totals);
  CHECK(summary.blocks > 4);
  CHECK(summary.complete);
  CHECK(summary.warning.empty());
  CHECK(summary.records == written);
  CHECK(totals.sum == checksum);
  CHECK(totals.live_bytes == 0);
  CHECK(totals.ordered);
  CHECK(fs::file_size(path) == file_bytes);
}

TEST_CASE("a recording with only its meta record is valid but incomplete") {
  TempDir dir;
  std::string path = dir.file("empty.lrk");
  { RecordingWriter writer(path, sample_meta()); }
  ReadResult result = read_all(path);
  CHECK(result.summary.records == 1);
  CHECK(result.summary.blocks == 1);
  CHECK_FALSE(result.summary.complete);
  CHECK(result.summary.warning.empty());
  CHECK(read_recording_meta(path).command == sample_meta().command);
}

TEST_CASE("a recording is readable while its writer is still running") {
  TempDir dir;
  std::string path = dir.file("live.lrk");
  RecordingWriter writer(path, sample_meta());
  writer.alloc(10, 0x1000, 8, 1);
  CHECK(read_all(path).log.lines.size() == 1);  // not flushed yet: only the meta
  writer.flush();
  ReadResult result = read_all(path);
  CHECK(result.log.lines.size() == 2);
  CHECK_FALSE(result.summary.complete);
}

TEST_CASE("a recording cut at any byte reads back the whole blocks before the cut") {
  TempDir dir;
  SmallRecording small = write_small_recording(dir.file("small.lrk"));
  REQUIRE(small.block_ends.size() == 9);
  CHECK(read_all(dir.file("small.lrk")).log.lines == small.expected);
  Bytes whole = read_bytes(dir.file("small.lrk"));
  std::string cut_path = dir.file("cut.lrk");
  for (uint64_t cut = 0; cut < small.size; ++cut) {
    CAPTURE(cut);
    write_bytes(cut_path, Bytes(whole.begin(), whole.begin() + long(cut)));
    if (cut < small.block_ends.front()) {
      std::optional<std::string> error = read_error(cut_path);
      REQUIRE(error);
      CHECK(is_one_line(*error));
      continue;
    }
    ReadResult result = read_all(cut_path);
    size_t whole_blocks = size_t(std::upper_bound(small.block_ends.begin(), small.block_ends.end(), cut) -
                                 small.block_ends.begin());
    CHECK(result.log.lines.size() == small.records_before[whole_blocks - 1]);
    CHECK(is_prefix(result.log.lines, small.expected));
    CHECK_FALSE(result.summary.complete);
    bool at_block_boundary = cut == small.block_ends[whole_blocks - 1];
    CHECK(result.summary.warning.empty() == at_block_boundary);
    if (!at_block_boundary) {
      CHECK(result.summary.warning.find("recording truncated after") == 0);
      CHECK(result.summary.warning.find("(block " + std::to_string(whole_blocks + 1) + ")") != std::string::npos);
    }
  }
}

TEST_CASE("a read past skipped blocks gives the records after them, and a block alone its own") {
  TempDir dir;
  std::string path = dir.file("small.lrk");
  SmallRecording small = write_small_recording(path);
  size_t blocks = small.block_ends.size();
  RecordingBlocks one_by_one(path);
  std::vector<std::string> read_alone;
  for (size_t skip = 0; skip <= blocks; ++skip) {
    CAPTURE(skip);
    RecordLog log;
    ReadSummary summary = read_recording(path, log, skip);
    size_t before = skip == 0 ? 0 : small.records_before[skip - 1];
    CHECK(summary.blocks == blocks);
    CHECK(summary.records == small.expected.size() - before);
    CHECK(summary.complete == (skip < blocks));  // the end record is in the last block
    CHECK(log.lines == std::vector<std::string>(small.expected.begin() + long(before), small.expected.end()));
    if (skip < blocks && skip % 2 == 0) {  // every other block, so that reading skips the others
      BlockRecords block;
      one_by_one.read(skip, block);
      RecordLog alone;
      block.replay(alone);
      size_t end = small.records_before[skip];
      CHECK(alone.lines == std::vector<std::string>(small.expected.begin() + long(before), small.expected.begin() + long(end)));
    }
  }
  BlockRecords past_the_end;
  CHECK_THROWS_AS(one_by_one.read(blocks, past_the_end), RecordingError);
}

TEST_CASE("a cut right after the skipped blocks is named by its block, the time it reaches being unknown") {
  TempDir dir;
  SmallRecording small = write_small_recording(dir.file("small.lrk"));
  Bytes whole = read_bytes(dir.file("small.lrk"));
  std::string cut_path = dir.file("cut.lrk");
  write_bytes(cut_path, Bytes(whole.begin(), whole.begin() + long(small.block_ends[2] + 5)));  // into block 4
  RecordLog after_skipping, after_reading;
  CHECK(read_recording(cut_path, after_skipping, 3).warning == "recording truncated in block 4: the rest is lost");
  CHECK(after_skipping.lines.empty());
  std::string read_through = read_recording(cut_path, after_reading, 2).warning;
  CHECK(read_through.starts_with("recording truncated after "));
  CHECK(read_through.ends_with(" s (block 4): the rest is lost"));
}

TEST_CASE("a flipped byte in a later block stops the read there with a warning") {
  TempDir dir;
  SmallRecording small = write_small_recording(dir.file("small.lrk"));
  Bytes whole = read_bytes(dir.file("small.lrk"));
  std::string damaged_path = dir.file("damaged.lrk");
  constexpr size_t kDamagedBlock = 3;  // holds an alloc, a free and an rss record
  std::vector<std::string> before_damage(small.expected.begin(),
                                         small.expected.begin() + long(small.records_before[kDamagedBlock - 1]));
  for (uint64_t at = small.block_ends[kDamagedBlock - 1]; at < small.block_ends[kDamagedBlock]; ++at) {
    for (uint8_t bit : {0x01, 0x20, 0x80}) {
      CAPTURE(at);
      CAPTURE(int(bit));
      Bytes bytes = whole;
      bytes[at] ^= bit;
      write_bytes(damaged_path, bytes);
      ReadResult result = read_all(damaged_path);
      CHECK(result.log.lines == before_damage);
      CHECK_FALSE(result.summary.warning.empty());
      CHECK(is_one_line(result.summary.warning));
    }
  }
  Bytes bytes = whole;
  bytes[small.block_ends[kDamagedBlock] - 6] ^= 0x01;  // inside the frame
  write_bytes(damaged_path, bytes);
  CHECK(read_all(damaged_path).summary.warning == "block 4 is damaged (checksum): analysis stops there");
}

TEST_CASE("damage in the first block is an error") {
  TempDir dir;
  SmallRecording small = write_small_recording(dir.file("small.lrk"));
  Bytes bytes = read_bytes(dir.file("small.lrk"));
  bytes[small.block_ends.front() - 3] ^= 0x40;
  write_bytes(dir.file("bad.lrk"), bytes);
  std::optional<std::string> error = read_error(dir.file("bad.lrk"));
  REQUIRE(error);
  CHECK(*error == dir.file("bad.lrk") + " is unreadable: its first block is damaged (checksum)");
  CHECK_THROWS_AS(read_recording_meta(dir.file("bad.lrk")), RecordingError);
}

TEST_CASE("records a writer never makes are reported as damage, not undefined behaviour") {
  TempDir dir;
  Bytes alloc = record(RecordTag::alloc, {varint_bytes(1), varint_bytes(3), varint_bytes(4)});
  Bytes overrun = alloc;
  overrun.insert(overrun.end(), {uint8_t(RecordTag::alloc), 0x80, 0x80});
  Bytes too_deep = record(RecordTag::stack, {varint_bytes(1), varint_bytes(kMaxStackDepth + 1)});
  too_deep.resize(too_deep.size() + kMaxStackDepth + 1, 0);
  struct Case {
    const char* name;
    Bytes payload;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {"unknown tag", record(RecordTag(0x7f), {}), "unknown record"},
           {"tag zero", Bytes{0}, "unknown record"},
           {"varint past the block end", overrun, "bad varint"},
           {"varint wider than 64 bits", record(RecordTag::rss, {varint_bytes(1), Bytes(10, 0xff)}), "bad varint"},
           {"stack too deep", too_deep, "stack too deep"},
           {"stack frames past the block end", record(RecordTag::stack, {varint_bytes(1), varint_bytes(9)}),
            "count past block end"},
           {"string past the block end", record(RecordTag::snapshot, {varint_bytes(1), varint_bytes(100), {'x'}}),
            "count past block end"},
           {"module count past the block end", record(RecordTag::module_map, {varint_bytes(1), varint_bytes(1 << 30)}),
            "count past block end"},
           {"stack id wider than 32 bits", record(RecordTag::stack, {varint_bytes(1ull << 32), varint_bytes(0)}),
            "value out of range"},
           {"a second meta", record(RecordTag::meta, {}), "meta record missing or misplaced"},
           {"field missing at the block end", record(RecordTag::free, {varint_bytes(1)}), "bad varint"},
           {"free of an allocation before the block", record(RecordTag::free_recent, {varint_bytes(1), varint_bytes(1)}),
            "free of an allocation not in the block"},
           {"free of an age of zero", record(RecordTag::free_recent, {varint_bytes(1), varint_bytes(0)}),
            "free of an allocation not in the block"},
           {"young free before any allocation", Bytes{young_free_tag(1), 1}, "free of an allocation not in the block"},
           {"a tag past the kinds", Bytes{100}, "unknown record"},
           {"command past the block end", record(RecordTag::command, {varint_bytes(1), varint_bytes(3), {'x'}}),
            "count past block end"},
           {"same time on a record without one", Bytes{uint8_t(RecordTag::stack) | kSameTime, 1, 0}, "unknown record"},
       }) {
    CAPTURE(c.name);
    ReadResult result = read_all(recording_with_payloads(dir, {alloc, c.payload, alloc}));
    // The meta, the good block, and what the damaged block held before its damage.
    REQUIRE(result.log.lines.size() == (c.payload == overrun ? 3 : 2));
    CHECK(result.log.lines[1] == "alloc 1 3 4");
    if (c.payload == overrun) CHECK(result.log.lines[2] == "alloc 1 3 4");
    CHECK(result.summary.warning == std::string("block 3 is damaged (") + c.reason + "): analysis stops there");
  }
}

TEST_CASE("a block with impossible sizes is damage") {
  TempDir dir;
  std::string path = recording_with_payloads(dir, {});
  Bytes bytes = read_bytes(path);
  for (uint8_t b : {0xff, 0xff, 0xff, 0x7f, 0x10, 0, 0, 0}) bytes.push_back(b);
  write_bytes(path, bytes);
  CHECK(read_all(path).summary.warning == "block 2 is damaged (impossible size): analysis stops there");
}

TEST_CASE("files that are not readable recordings throw a one-line RecordingError") {
  TempDir dir;
  std::string good = dir.file("good.lrk");
  { RecordingWriter writer(good, sample_meta()); }
  Bytes bytes = read_bytes(good);

  auto expect_error = [&](const std::string& path, const std::string& message) {
    CAPTURE(path);
    std::optional<std::string> error = read_error(path);
    REQUIRE(error);
    CHECK(*error == message);
    CHECK(is_one_line(*error));
    CHECK_THROWS_WITH_AS(read_recording_meta(path), message.c_str(), RecordingError);
  };

  Bytes bad_magic = bytes;
  bad_magic[0] = 'X';
  write_bytes(dir.file("magic.lrk"), bad_magic);
  expect_error(dir.file("magic.lrk"), dir.file("magic.lrk") + " is not a leakrank recording");

  for (uint8_t version : {uint8_t(1), uint8_t(kRecordingVersion + 1)}) {
    Bytes other_version = bytes;
    other_version[8] = version;
    std::string path = dir.file("v" + std::to_string(version) + ".lrk");
    write_bytes(path, other_version);
    expect_error(path, path + " was written by recording format v" + std::to_string(version) +
                           "; this leakrank reads v2 to v" + std::to_string(kRecordingVersion));
  }
  Bytes version_2 = bytes;  // v3 to v5 only added records: a v2 file reads as it is
  version_2[8] = 2;
  write_bytes(dir.file("v2.lrk"), version_2);
  CHECK_FALSE(read_error(dir.file("v2.lrk")));

  write_bytes(dir.file("empty.lrk"), {});
  expect_error(dir.file("empty.lrk"), dir.file("empty.lrk") + " is not a leakrank recording");

  write_bytes(dir.file("header-only.lrk"), Bytes(bytes.begin(), bytes.begin() + 12));
  expect_error(dir.file("header-only.lrk"),
               dir.file("header-only.lrk") + " is unreadable: its first block is missing or cut short");

  expect_error(dir.file("missing.lrk"),
               "cannot open recording " + dir.file("missing.lrk") + ": No such file or directory");
  expect_error(dir.path.string(), "cannot read recording " + dir.path.string() + ": Is a directory");
}

TEST_CASE("the recording file is private to its owner") {
  TempDir dir;
  std::string path = dir.file("private.lrk");
  write_bytes(path, {});
  ::chmod(path.c_str(), 0644);  // an older file in the way keeps its mode through O_TRUNC
  { RecordingWriter writer(path, sample_meta()); }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  std::string fresh = dir.file("fresh.lrk");
  { RecordingWriter writer(fresh, sample_meta()); }
  REQUIRE(::stat(fresh.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
}

TEST_CASE("a folder that cannot hold the recording throws RecordingError") {
  TempDir dir;
  write_bytes(dir.file("plain-file"), {});
  std::string path = dir.file("plain-file") + "/x.lrk";
  CHECK_THROWS_WITH_AS(RecordingWriter(path, sample_meta()),
                       ("cannot create recording " + path + ": Not a directory").c_str(), RecordingError);
  if (::geteuid() != 0) {  // root writes anywhere
    fs::create_directory(dir.path / "read-only");
    fs::permissions(dir.path / "read-only", fs::perms::owner_read | fs::perms::owner_exec);
    std::string denied = (dir.path / "read-only" / "x.lrk").string();
    CHECK_THROWS_WITH_AS(RecordingWriter(denied, sample_meta()),
                         ("cannot create recording " + denied + ": Permission denied").c_str(), RecordingError);
  }
}

TEST_CASE("a full disk throws RecordingError") {
  if (!fs::exists("/dev/full")) return;
  struct stat before {};
  ::stat("/dev/full", &before);
  CHECK_THROWS_WITH_AS(RecordingWriter("/dev/full", sample_meta()),
                       "cannot write recording /dev/full: No space left on device", RecordingError);
  struct stat after {};
  ::stat("/dev/full", &after);
  CHECK(after.st_mode == before.st_mode);  // a device keeps its mode
}

// Blocks are written on the writer's own thread: a write that fails there must still reach
// the caller, from a later call, and the file keeps the blocks written before it.
TEST_CASE("a disk that fills up during the recording throws from a later call") {
  TempDir dir;
  std::string path = dir.file("limited.lrk");
  constexpr rlim_t kLimitBytes = 4 << 20;  // a few blocks
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  rlimit limited{kLimitBytes, saved.rlim_max};
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  std::string error;
  {
    RecordingWriter writer(path, sample_meta());
    std::mt19937_64 random(7);
    try {
      for (uint64_t i = 0; i < 20'000'000 && error.empty(); ++i)
        writer.alloc(i, 16 * (i + 1), random() % 100'000, uint32_t(random() % 50'000));  // hard to compress
      writer.flush();
    } catch (const RecordingError& e) {
      error = e.what();
    }
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  CHECK(error == "cannot write recording " + path + ": File too large");
  CHECK(fs::file_size(path) <= kLimitBytes);
  RecordSink ignored;
  ReadSummary summary = read_recording(path, ignored);  // what was written before still reads
  CHECK_FALSE(summary.complete);
  CHECK(summary.records > 1);
}


TEST_CASE("the pipelined reader gives the records, order and summary of the plain one") {
  TempDir dir;
  std::string path = dir.file("mixed.lrk");
  std::vector<std::string> expected;
  {
    RecordingWriter writer(path, sample_meta());
    Script script(writer, sample_meta());
    for (uint64_t i = 0; i < 200'000; ++i) {  // many blocks, many batches, every kind of record
      uint64_t t = i * 40;
      if (i % 5000 == 0) script.write(ModuleMapRecord{uint32_t(i), {{"/lib/x" + std::to_string(i), i, i + 4096, i, "id"}}});
      if (i % 97 == 0) script.write(StackRecord{uint32_t(i), std::vector<uint64_t>(i % 300, 0x400000 + i)});
      script.alloc(t, 0x10000 + (i * 4099) % (1 << 20), 1 + i % 5000, uint32_t(i % 1000));
      if (i % 3 == 0) script.free(t + 1, 0x10000 + (i * 4099) % (1 << 20));
      if (i % 1000 == 0) script.write(RssRecord{t + 2, i << 12});
      if (i % 7000 == 0) script.write(SnapshotRecord{t + 3, i % 14000 ? "" : "named " + std::to_string(i)});
      if (i % 50'000 == 0) script.write(ChildRecord{t + 4, int32_t(i), "child-" + std::to_string(i) + ".lrk"});
    }
    script.write(EndRecord{200'000 * 40, -1});
    expected = script.expected.lines;
  }
  Outcome pipelined = outcome_of(read_recording_pipelined, path);
  CHECK(pipelined.lines == expected);
  CHECK(pipelined.complete);
  CHECK(pipelined == outcome_of(read_recording, path));
}

TEST_CASE("the pipelined reader stops where the plain one stops, with the same warning or error") {
  TempDir dir;
  SmallRecording small = write_small_recording(dir.file("small.lrk"));
  Bytes whole = read_bytes(dir.file("small.lrk"));
  std::string changed = dir.file("changed.lrk");
  for (uint64_t cut = 0; cut < small.size; ++cut) {
    CAPTURE(cut);
    write_bytes(changed, Bytes(whole.begin(), whole.begin() + long(cut)));
    check_pipelined_reads_alike(changed);
  }
  for (uint64_t at = 0; at < small.size; ++at) {
    CAPTURE(at);
    Bytes bytes = whole;
    bytes[at] ^= 0x21;
    write_bytes(changed, bytes);
    check_pipelined_reads_alike(changed);
  }
  Bytes alloc = record(RecordTag::alloc, {varint_bytes(1), varint_bytes(3), varint_bytes(4)});
  Bytes overrun = alloc;  // the damage comes after a whole record of the same block
  overrun.insert(overrun.end(), {uint8_t(RecordTag::alloc), 0x80, 0x80});
  check_pipelined_reads_alike(recording_with_payloads(dir, {alloc, overrun, alloc}));
  check_pipelined_reads_alike(recording_with_payloads(dir, {alloc, record(RecordTag::meta, {}), alloc}));
  check_pipelined_reads_alike(dir.file("missing.lrk"));
  check_pipelined_reads_alike(dir.path.string());
  CHECK_FALSE(outcome_of(read_recording_pipelined, dir.path.string()).error.empty());
}

TEST_CASE("a sink that throws stops the pipelined reading and its exception reaches the caller") {
  TempDir dir;
  std::string path = dir.file("long.lrk");
  {
    RecordingWriter writer(path, sample_meta());
    for (uint64_t i = 0; i < 100'000; ++i) writer.alloc(i, 0x1000 + 16 * i, 16, 1);
  }
  struct Refusing : RecordSink {
    uint64_t seen = 0;
    void on_alloc(uint64_t, uint64_t, uint32_t) override {
      if (++seen == 20'000) throw std::runtime_error("sink refused");
    }
  } sink;
  CHECK_THROWS_WITH_AS(read_recording_pipelined(path, sink), "sink refused", std::runtime_error);
  CHECK(sink.seen == 20'000);
}

TEST_CASE("the pipelined reader shows module maps and stacks to `ahead` first, in file order") {
  TempDir dir;
  std::string path = dir.file("stacks.lrk");
  {
    RecordingWriter writer(path, sample_meta());
    for (uint32_t i = 0; i < 20'000; ++i) {  // many batches
      if (i % 1000 == 0) writer.write(ModuleMapRecord{i, {{"/lib/x", i, i + 4096, i, "id"}}});
      if (i % 7 == 0) writer.write(StackRecord{i, std::vector<uint64_t>(1 + i % 40, 0x400000 + i)});
      writer.alloc(i, 0x1000 + 16 * i, 16, i);
    }
  }
  // Each stack or module map the sink sees must already have been seen ahead.
  struct Ahead : RecordLog {
    std::mutex mutex;
    void on(const ModuleMapRecord& record) override {
      std::lock_guard lock(mutex);
      RecordLog::on(record);
    }
    void on(const StackRecord& record) override {
      std::lock_guard lock(mutex);
      RecordLog::on(record);
    }
  } ahead;
  struct Sink : RecordLog {
    Ahead* ahead = nullptr;
    size_t behind = 0;  // module map and stack records seen here
    bool ahead_first = true;
    void on(const ModuleMapRecord& record) override {
      RecordLog::on(record);
      check_seen_ahead();
    }
    void on(const StackRecord& record) override {
      RecordLog::on(record);
      check_seen_ahead();
    }
    void check_seen_ahead() {
      std::lock_guard lock(ahead->mutex);
      ahead_first = ahead_first && ahead->lines.size() > behind && ahead->lines[behind] == lines.back();
      ++behind;
    }
  } sink;
  sink.ahead = &ahead;
  read_recording_pipelined(path, sink, ahead);
  CHECK(sink.ahead_first);
  CHECK(ahead.lines.size() == sink.behind);
  CHECK(sink.behind == 20 + 20'000 / 7 + 1);
}

}  // namespace leakrank
