#pragma once
// Every kind of record but allocations and frees, each defined once: its tag, its fields, and
// how each field is coded. The writer, the reader, the pipelined reader's batches, the
// writer's copy for an observer and every forwarding sink follow LEAKRANK_RECORD_KINDS, so a
// new kind is one struct here plus its place in the list; a kind without fields() does not
// compile anywhere. Allocations and frees, nearly all of a recording, have their own compact
// coding (recording_writer.cpp, recording_reader.cpp) and reach sinks as HeapRecord runs.
//
// fields(self, code) lists the fields in file order. `code` is an encoder (self is const) or
// a decoder (self is not); both offer varint, zigzag, u32, i32, pid, flag, string, strings,
// frames and modules. A record with a time_ns member is timed: its time is coded before its
// fields, delta-encoded (record_format.h).
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "recording/record_format.h"

namespace leakrank {

struct ModuleMapRecord {
  static constexpr RecordTag tag = RecordTag::module_map;
  uint32_t generation = 0;
  std::vector<ModuleInfo> modules;
  static void fields(auto& self, auto& code) {
    code.u32(self.generation);
    code.modules(self.modules);
  }
};

struct StackRecord {
  static constexpr RecordTag tag = RecordTag::stack;
  uint32_t id = 0;
  std::vector<uint64_t> ips;  // innermost first
  static void fields(auto& self, auto& code) {
    code.u32(self.id);
    code.frames(self.ips);
  }
};

// A free of a block never seen allocated: from before an attach, or a lost allocation.
struct UnmatchedFreeRecord {
  static constexpr RecordTag tag = RecordTag::free_unmatched;
  uint64_t time_ns = 0;
  uint64_t address = 0;
  static void fields(auto& self, auto& code) { code.varint(self.address); }
};

struct RssRecord {
  static constexpr RecordTag tag = RecordTag::rss;
  uint64_t time_ns = 0;
  uint64_t bytes = 0;
  static void fields(auto& self, auto& code) { code.varint(self.bytes); }
};

// Of the RSS sample just before, the bytes that map files or shared memory; the rest is
// anonymous memory, where heaps, mappings, thread stacks and allocator caches live.
struct ResidentFilesRecord {
  static constexpr RecordTag tag = RecordTag::resident_files;
  uint64_t time_ns = 0;
  uint64_t bytes = 0;
  static void fields(auto& self, auto& code) { code.varint(self.bytes); }
};

struct SnapshotRecord {
  static constexpr RecordTag tag = RecordTag::snapshot;
  uint64_t time_ns = 0;
  std::string name;  // "" for a periodic mark
  static void fields(auto& self, auto& code) { code.string(self.name); }
};

// A descendant's own recording.
struct ChildRecord {
  static constexpr RecordTag tag = RecordTag::child;
  uint64_t time_ns = 0;
  int32_t pid = 0;
  std::string recording_path;
  static void fields(auto& self, auto& code) {
    code.pid(self.pid);
    code.string(self.recording_path);
  }
};

// What the process runs from here on, in place of the meta's command: it exec'd or retitled itself.
struct CommandRecord {
  static constexpr RecordTag tag = RecordTag::command;
  uint64_t time_ns = 0;
  std::vector<std::string> command;
  static void fields(auto& self, auto& code) { code.strings(self.command); }
};

// The process replaced its image (execve): every block, stack and module recorded before
// belongs to an image that no longer exists.
struct ExecRecord {
  static constexpr RecordTag tag = RecordTag::exec;
  uint64_t time_ns = 0;
  static void fields(auto& /*self*/, auto& /*code*/) {}
};

// An anonymous private mapping the program made (mmap), or the new range of one it moved or
// resized (mremap): that one follows the unmap of its old range and counts only if that
// range was a recorded mapping (the program may mremap file mappings too).
struct MapRecord {
  static constexpr RecordTag tag = RecordTag::map;
  uint64_t time_ns = 0;
  uint64_t address = 0;
  uint64_t size = 0;
  uint32_t stack_id = 0;
  uint64_t moved_from = 0;  // the old range's address after an mremap, else 0
  static void fields(auto& self, auto& code) {
    code.varint(self.address);
    code.varint(self.size);
    code.u32(self.stack_id);
    code.varint(self.moved_from);
  }
};

// A range the program unmapped (munmap, or the old range of an mremap): whole mappings or parts.
struct UnmapRecord {
  static constexpr RecordTag tag = RecordTag::unmap;
  uint64_t time_ns = 0;
  uint64_t address = 0;
  uint64_t size = 0;
  static void fields(auto& self, auto& code) {
    code.varint(self.address);
    code.varint(self.size);
  }
};

// Anonymous memory that mprotect turns on and off inside a reservation, as JVMs and V8 grow
// and shrink their heaps: a PROT_NONE mapping reserves addresses (and ends whatever mapping
// was there), a commit makes its reserved pages hold memory of stack_id, and a decommit
// returns committed or mapped pages to the reservation. Pages outside both (files, malloc's
// memory, stacks) are not the program's new memory: commits and decommits leave them alone.
struct AccessRecord {
  static constexpr RecordTag tag = RecordTag::access;
  enum Change : uint32_t { reserve = 0, commit = 1, decommit = 2 };
  uint64_t time_ns = 0;
  uint32_t change = reserve;  // a Change; others come only from damage, and change nothing
  uint64_t address = 0;
  uint64_t size = 0;
  uint32_t stack_id = 0;  // a commit's
  static void fields(auto& self, auto& code) {
    code.u32(self.change);
    code.varint(self.address);
    code.varint(self.size);
    code.u32(self.stack_id);
  }
};

// The CPython interpreter the process runs; its frames are in the stacks only if `frames_read`.
struct PythonInterpreterRecord {
  static constexpr RecordTag tag = RecordTag::python_interpreter;
  uint64_t time_ns = 0;
  uint32_t version_hex = 0;  // PY_VERSION_HEX
  uint8_t frames_read = 0;
  static void fields(auto& self, auto& code) {
    code.u32(self.version_hex);
    code.flag(self.frames_read);
  }
};

// A Python code object that stacks name as frames (transport/python_frame.h): the line of
// a frame is found from the instruction offset in its line table (CPython 3.11's format).
struct PythonCodeRecord {
  static constexpr RecordTag tag = RecordTag::python_code;
  uint32_t id = 0;
  uint32_t first_line = 0;
  std::string name;  // qualified name
  std::string file;
  std::string line_table;  // co_linetable's bytes
  static void fields(auto& self, auto& code) {
    code.u32(self.id);
    code.u32(self.first_line);
    code.string(self.name);
    code.string(self.file);
    code.string(self.line_table);
  }
};

// Lines of the process's perf map (/tmp/perf-PID.map), in which JIT compilers (node
// --perf-basic-prof, JVM agents, Python 3.12's -X perf) name the code they made; read as
// they were appended, before the stacks that need them where the recorder could.
struct PerfMapRecord {
  static constexpr RecordTag tag = RecordTag::perf_map;
  uint64_t time_ns = 0;
  std::string lines;  // whole lines: "START SIZE name", hexadecimal
  static void fields(auto& self, auto& code) { code.string(self.lines); }
};

struct EndRecord {
  static constexpr RecordTag tag = RecordTag::end;
  uint64_t time_ns = 0;
  int32_t wait_status = 0;  // as returned by waitpid; -1 if unknown
  static void fields(auto& self, auto& code) { code.i32(self.wait_status); }
};

// X(Kind) for every kind: the meta record (record_format.h), which opens a recording, and the rest.
#define LEAKRANK_RECORD_KINDS(X) X(RecordingMeta) LEAKRANK_RECORD_KINDS_BUT_META(X)
#define LEAKRANK_RECORD_KINDS_BUT_META(X)                                                                  \
  X(ModuleMapRecord) X(StackRecord) X(UnmatchedFreeRecord) X(RssRecord) X(SnapshotRecord) X(ChildRecord)     \
  X(CommandRecord) X(ExecRecord) X(MapRecord) X(UnmapRecord) X(AccessRecord) X(ResidentFilesRecord)          \
  X(PythonInterpreterRecord) X(PythonCodeRecord) X(PerfMapRecord) X(EndRecord)

template <class Record>
concept TimedRecord = requires(Record r) { r.time_ns; };

namespace record_kinds_detail {
#define LEAKRANK_KIND_IDENTITY(Kind) std::type_identity<Kind>{},
using Identities = decltype(std::tuple{LEAKRANK_RECORD_KINDS(LEAKRANK_KIND_IDENTITY)});
#undef LEAKRANK_KIND_IDENTITY
template <class>
struct VariantOf;
template <class... Kind>
struct VariantOf<std::tuple<std::type_identity<Kind>...>> {
  using any = std::variant<Kind...>;
  using every = std::tuple<Kind...>;
};
using Kinds = VariantOf<Identities>;
}  // namespace record_kinds_detail
using AnyRecord = record_kinds_detail::Kinds::any;      // any one record, to hand on later
using EveryRecord = record_kinds_detail::Kinds::every;  // one of each kind, to decode into

}  // namespace leakrank
