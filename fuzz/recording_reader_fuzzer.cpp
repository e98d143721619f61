// Fuzzes what `leakrank report/diff/export` do with a file: read_recording with a sink that
// takes every callback, then the whole analysis and every renderer on the same bytes.
// Bytes that are not a recording must end in RecordingError (a one-line message), never
// in a crash, a hang, a huge allocation or any other exception.
//
// An input that starts with the recording magic is used as the file. Any other input is
// taken as raw record payloads, split into blocks at kBlockSeparator, which the harness
// compresses into a well-formed file: mutations then reach the record decoder instead of
// dying at the zstd checksum.
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/diff_render.h"
#include "analyzer/export.h"
#include "analyzer/recording_diff.h"
#include "analyzer/report.h"
#include "recording/recording_reader.h"

#include "fuzz/fuzz_check.h"

namespace {

// Touches every byte it is handed, so ASan sees any view that outlives its buffer, and
// checks what the reader promises about record order.
struct EverySink : leakrank::RecordSink {
  uint64_t records = 0, checksum = 0;
  bool names_real_file = false;

  void first(bool is_meta) {
    CHECK(is_meta == (records++ == 0));  // the meta record, once, before anything else
  }
  // The field coders of record_kinds.h, each mixing what it is given into the checksum.
  void varint(uint64_t value) { checksum = checksum * 31 + value; }
  void zigzag(int64_t value) { varint(uint64_t(value)); }
  void u32(uint32_t value) { varint(value); }
  void i32(int32_t value) { varint(uint64_t(value)); }
  void pid(int32_t value) { varint(uint64_t(value)); }
  void flag(uint8_t value) {
    CHECK(value <= 1);
    varint(value);
  }
  void string(std::string_view text) {
    for (char c : text) varint(uint64_t(uint8_t(c)));
  }
  void strings(const std::vector<std::string>& list) {
    for (const std::string& s : list) string(s);
  }
  void frames(const std::vector<uint64_t>& ips) {
    CHECK(ips.size() <= leakrank::kMaxStackDepth);
    for (uint64_t ip : ips) varint(ip);
  }
  void modules(const std::vector<leakrank::ModuleInfo>& list) {
    for (const leakrank::ModuleInfo& m : list) {
      names_real_file |= access(m.path.c_str(), F_OK) == 0;
      leakrank::ModuleInfo::fields(m, *this);
    }
  }

  template <class Kind>
  void mix(const Kind& record) {
    first(std::is_same_v<Kind, leakrank::RecordingMeta>);
    if constexpr (leakrank::TimedRecord<Kind>) varint(record.time_ns);
    Kind::fields(record, *this);
  }
#define LEAKRANK_MIX_RECORD(Kind) \
  void on(const leakrank::Kind& record) override { mix(record); }
  LEAKRANK_RECORD_KINDS(LEAKRANK_MIX_RECORD)
#undef LEAKRANK_MIX_RECORD

  void on_heap_records(std::span<const leakrank::HeapRecord> records) override {
    first(false);
    for (const leakrank::HeapRecord& r : records) varint(r.time_ns ^ r.size ^ r.stack_id ^ uint64_t(r.event));
    this->records += records.size() - 1;  // first() counted one
  }
};

// The reader takes a path: an in-memory file keeps the disk out of the loop.
const std::string& scratch_path() {
  static const std::string path = [] {
    int fd = memfd_create("leakrank-fuzz", 0);
    CHECK(fd >= 0);
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

constexpr char kBlockSeparator[] = "\xfe" "BLK";

void put_u32le(std::vector<uint8_t>& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(uint8_t(value >> shift));
}

// header, then each payload as a block: u32le(compressed) u32le(raw) zstd frame with checksum
std::vector<uint8_t> recording_from_payloads(std::string_view payloads) {
  static ZSTD_CCtx* cctx = [] {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    return c;
  }();
  std::vector<uint8_t> file(std::begin(leakrank::kRecordingMagic), std::end(leakrank::kRecordingMagic));
  put_u32le(file, leakrank::kRecordingVersion);
  std::vector<uint8_t> frame;
  while (true) {
    size_t end = payloads.find(std::string_view(kBlockSeparator, 4));
    std::string_view payload = payloads.substr(0, end);
    frame.resize(ZSTD_compressBound(payload.size()));
    size_t frame_size = ZSTD_compress2(cctx, frame.data(), frame.size(), payload.data(), payload.size());
    CHECK(!ZSTD_isError(frame_size));
    put_u32le(file, uint32_t(frame_size));
    put_u32le(file, uint32_t(payload.size()));
    file.insert(file.end(), frame.begin(), frame.begin() + long(frame_size));
    if (end == std::string_view::npos) break;
    payloads.remove_prefix(end + 4);
  }
  return file;
}

void write_scratch(const uint8_t* data, size_t size) {
  FILE* file = std::fopen(scratch_path().c_str(), "wb");  // truncates the memfd
  CHECK(file);
  CHECK(std::fwrite(data, 1, size, file) == size);
  std::fclose(file);
}

// The analysis, then one of the outputs users ask for, chosen by the input so that every
// output is covered without paying for all of them on each run.
void analyze_and_render(const std::string& path, size_t choice) {
  leakrank::AnalysisOptions options;
  options.group_by = choice % 2 ? leakrank::GroupBy::stack : leakrank::GroupBy::line;
  options.collect_stacks = true;
  leakrank::Analysis analysis = leakrank::analyze_recording(path, options);
  leakrank::ReportOptions report{.top = 0};
  // diff against nothing: every site is new; against itself: nothing grew
  leakrank::RecordingDiff diff = leakrank::diff_analyses(choice % 2 ? analysis : leakrank::Analysis{}, analysis);
  leakrank::DiffRenderOptions gate{.top = 0, .fail_on_growth_bytes = 1};
  switch (choice / 2 % 7) {
    case 0: (void)leakrank::render_report_text(analysis, report); break;
    case 1: (void)leakrank::render_report_json(analysis, report); break;
    case 2: (void)leakrank::render_folded(analysis); break;
    case 3: (void)leakrank::render_pprof(analysis); break;
    case 4: (void)leakrank::render_diff(diff, leakrank::DiffFormat::text, gate); break;
    case 5: (void)leakrank::render_diff(diff, leakrank::DiffFormat::json, gate); break;
    case 6: (void)leakrank::render_diff(diff, leakrank::DiffFormat::markdown, gate); break;
  }
  (void)leakrank::sites_growing_over(diff, 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool is_file = size >= sizeof(leakrank::kRecordingMagic) &&
                       std::memcmp(data, leakrank::kRecordingMagic, sizeof(leakrank::kRecordingMagic)) == 0;
  if (is_file) {
    write_scratch(data, size);
  } else {
    std::vector<uint8_t> file = recording_from_payloads({reinterpret_cast<const char*>(data), size});
    write_scratch(file.data(), file.size());
  }
  const std::string& path = scratch_path();
  EverySink sink;
  try {
    leakrank::ReadSummary summary = leakrank::read_recording(path, sink);
    CHECK(summary.records == sink.records);
    CHECK(sink.records > 0);  // a readable recording starts with its meta record
  } catch (const leakrank::RecordingError&) {
    return 0;  // unreadable: the analysis must say the same, so skip it
  }
  // Symbolizing real modules is libdw's work, and slow: the seed recordings are run through the
  // sanitized CLI for that. Here the analysis runs when every module path is made up.
  if (sink.names_real_file) return 0;
  try {
    analyze_and_render(path, size);
  } catch (const leakrank::RecordingError&) {
    // e.g. a recording with no allocations to rank: a one-line error is the right answer
  }
  return 0;
}
