#pragma once
// The recording file: what one recorded process did, in time order.
//
//   file    := "LRKREC\r\n" (8 bytes) u32le(format_version) block*
//   block   := u32le(compressed_size) u32le(raw_size) zstd_frame(with checksum)
//   payload := record*            (delta state restarts at every block)
//   record  := u8(tag) fields, integers as LEB128 varints, signed ones zigzag-encoded
//   tag     := RecordTag, plus kSameTime on a timed record whose time equals the one before
//
// Time is nanoseconds since the recording started, delta-encoded against the previous record
// of the block; the recorder stamps a whole drained batch at once, so nearly every delta is
// zero and is left out. A free names the allocation it ends by that allocation's size and
// stack, or by how many alloc records of the same payload back it came (in the tag itself
// for the 16 latest), not by its address: addresses cost more bytes than all else together,
// and no analysis needs them. Only a free of a block never seen allocated keeps its address.
// Version 3 added kSameTime and free_young, version 4 the command record, version 5 the exec,
// map, unmap, resident_files and python records, version 6 the access record; older files
// are read as they are. The fields of every record but
// allocations and frees are defined once, in record_kinds.h. A block is flushed when it reaches ~1 MiB of raw records or when the
// recorder asks (at least every second), so a recording whose writer was killed is
// readable up to its last whole block.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace leakrank {

constexpr char kRecordingMagic[8] = {'L', 'R', 'K', 'R', 'E', 'C', '\r', '\n'};
constexpr uint32_t kRecordingVersion = 6;
constexpr uint32_t kOldestReadableVersion = 2;  // v3 to v6 only added records
constexpr size_t kFileHeaderBytes = sizeof(kRecordingMagic) + 4;  // magic, format version
constexpr size_t kBlockHeaderBytes = 8;                           // compressed size, raw size

inline void store_u32le(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(v >> (8 * i));
}
inline uint32_t load_u32le(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
// Limits both sides agree on, so a reader can reject damage without trusting sizes.
constexpr uint32_t kMaxBlockBytes = 64u << 20;  // raw or compressed size of one block
constexpr uint32_t kMaxStackDepth = 4096;       // the writer keeps the innermost frames of deeper stacks
constexpr uint32_t kRecentAllocations = 256;    // how far back a free_recent record may reach

enum class RecordTag : uint8_t {
  meta = 1,        // RecordingMeta, the first record of the first block
  module_map = 2,  // varint generation, varint count, count x ModuleInfo
  stack = 3,       // varint id, varint depth, depth x zigzag(ip - previous ip)
  alloc = 4,       // varint dt, varint size, varint stack id
  free = 5,        // varint dt, varint size, varint stack id: those of the block it frees
  rss = 6,         // varint dt, varint bytes
  snapshot = 7,    // varint dt, string name ("" for a periodic mark)
  child = 8,       // varint dt, varint pid, string recording path (a descendant's own recording)
  end = 9,         // varint dt, zigzag(wait status as returned by waitpid; -1 if unknown)
  free_recent = 10,     // varint dt, varint age: frees what the age-th latest alloc record of this
                        // payload allocated (1: the latest), age <= kRecentAllocations
  free_unmatched = 11,  // varint dt, varint address: a free of a block never seen allocated
  command = 12,         // varint dt, varint count, count x string: what the process runs from
                        // now on (it exec'd, or retitled itself), in place of the meta's command
  exec = 13,            // varint dt: the process replaced its image; what came before is gone
  map = 14,             // varint dt, varint address, varint size, varint stack id, varint moved from
  unmap = 15,           // varint dt, varint address, varint size: a range unmapped
  resident_files = 32,  // varint dt, varint bytes: of the RSS sample before, files and shared memory
  python_interpreter = 33,  // varint dt, varint version, varint frames read (0/1)
  python_code = 34,     // varint id, varint first line, string name, string file, string line table
  perf_map = 35,        // varint dt, string lines of the process's perf map
  access = 36,          // varint dt, varint change, varint address, varint size, varint stack id
  free_young = 16,      // 16..31, varint dt: free_recent of age (tag - 15), the age in the tag
};

constexpr uint8_t kSameTime = 0x80;      // tag flag: no dt field, the time of the record before
constexpr uint64_t kYoungFreeAges = 16;  // ages that free_young tags carry
inline uint8_t young_free_tag(uint64_t age) { return uint8_t(uint64_t(RecordTag::free_young) + age - 1); }
inline uint64_t young_free_age(uint8_t tag) { return uint64_t(tag) - uint64_t(RecordTag::free_young) + 1; }
inline bool is_young_free(uint8_t tag) {
  return tag >= uint8_t(RecordTag::free_young) && tag < uint8_t(RecordTag::free_young) + kYoungFreeAges;
}

struct ModuleInfo {       // strings: varint length + bytes
  std::string path;
  uint64_t start = 0;     // varint: lowest mapped address
  uint64_t end = 0;       // varint: one past the highest
  uint64_t load_bias = 0; // varint: runtime address - ELF virtual address
  std::string build_id;   // raw bytes, possibly empty
  static void fields(auto& self, auto& code) {
    code.string(self.path);
    code.varint(self.start);
    code.varint(self.end);
    code.varint(self.load_bias);
    code.string(self.build_id);
  }
};

struct RecordingMeta {
  static constexpr RecordTag tag = RecordTag::meta;
  std::vector<std::string> command;  // varint count + strings
  int32_t pid = 0;                   // varints
  int32_t parent_pid = 0;            // 0 for the process leakrank started or attached to
  int64_t start_unix_ns = 0;         // wall clock at time zero (zigzag)
  uint64_t sample_bytes = 0;         // 0: every allocation recorded; else mean bytes per sample
  uint32_t max_depth = 0;
  uint8_t attached = 0;              // 1: recording began mid-life (leakrank attach)
  std::string tool_version;
  static void fields(auto& self, auto& code) {
    code.strings(self.command);
    code.pid(self.pid);
    code.pid(self.parent_pid);
    code.zigzag(self.start_unix_ns);
    code.varint(self.sample_bytes);
    code.u32(self.max_depth);
    code.flag(self.attached);
    code.string(self.tool_version);
  }
};

}  // namespace leakrank
