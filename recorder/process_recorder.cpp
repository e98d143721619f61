#include "recorder/process_recorder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "recorder/resident_memory.h"
#include "transport/monotonic_clock.h"
#include "transport/python_frame.h"

namespace leakrank {
namespace {

uint64_t hash_frames(std::span<const uint64_t> frames, uint32_t generation) {
  uint64_t h = 0x84222325cbf29ce4ULL ^ generation;
  for (uint64_t ip : frames) {
    h ^= ip;
    h *= 0x100000001b3ULL;
    h ^= h >> 29;
  }
  return h ^ (frames.size() * 0x9e3779b97f4a7c15ULL);
}

// Payload slots are raw bytes; copy them out whatever their alignment.
std::vector<unsigned char> payload_bytes(std::span<const wire::Event> payload, size_t size) {
  std::vector<unsigned char> bytes(size);
  if (size) memcpy(bytes.data(), payload.data(), std::min(size, payload.size_bytes()));
  return bytes;
}

}  // namespace

ProcessRecorder::ProcessRecorder(SessionHeader* session, const std::string& path, const RecordingMeta& meta,
                                 uint64_t time_zero_ns, BlockObserver observer)
    : session_(session),
      pid_(meta.pid),
      writer_(path, meta, std::move(observer)),
      drain_(session),
      command_(meta.pid, meta.command),
      time_zero_ns_(time_zero_ns),
      anonymous_stack_of_ring_(session->config.ring_count, 0),
      perf_map_(meta.pid) {}

ProcessRecorder::~ProcessRecorder() = default;

// Recorder-side records (RSS, snapshots) are stamped after a drain; messages still staged
// may be a little older, so time is clamped to keep the file in order.
uint64_t ProcessRecorder::recording_time(uint64_t monotonic) {
  uint64_t t = monotonic > time_zero_ns_ ? monotonic - time_zero_ns_ : 0;
  if (t > last_time_) last_time_ = t;
  return last_time_;
}

uint64_t ProcessRecorder::drain() {
  if (finished_) return 0;
  return drain_messages(false);
}

// Messages carry no time (clocks are too dear in the target): each gets the time of the
// drain that emits it, at most a few milliseconds after it happened.
uint64_t ProcessRecorder::drain_messages(bool final) {
  now_ = recording_time(monotonic_ns());
  uint64_t taken =
      drain_.drain([this](uint32_t ring, std::span<const wire::Event> m) { on_message(ring, m); },
                   [this](uint32_t, const wire::Event& header) { return stack_is_defined(header); }, final);
  write_queued_heap_messages();
  return taken;
}

// An allocation or mapping may name a stack that another thread is still sending (it lost
// the race to define it): it waits for the definition.
bool ProcessRecorder::stack_is_defined(const wire::Event& header) const {
  bool names_stack = header.kind == wire::EventKind::alloc || header.kind == wire::EventKind::map ||
                     header.kind == wire::EventKind::remap || header.kind == wire::EventKind::commit;
  return !names_stack || header.stack_id == 0 || dense_id(header.stack_id) != 0;
}

void ProcessRecorder::on_message(uint32_t ring, std::span<const wire::Event> message) {
  const wire::Event& header = message[0];
  if (header.kind == wire::EventKind::alloc || header.kind == wire::EventKind::free) {
    queue_heap_message(heap_message(ring, header));
    return;
  }
  write_queued_heap_messages();  // the other messages keep their place after them
  switch (header.kind) {
    case wire::EventKind::stack: on_stack(ring, header, message.subspan(1)); break;
    case wire::EventKind::module_map_begin:
      modules_.clear();
      modules_expected_ = header.size;
      if (modules_expected_ == 0) write_module_map();
      break;
    case wire::EventKind::module: on_module(header, message.subspan(1)); break;
    case wire::EventKind::map:
      writer_.write(MapRecord{now_, header.address, header.size, stack_of(ring, header)});
      break;
    case wire::EventKind::remap:
      if (message.size() < 2) break;
      writer_.write(UnmapRecord{now_, message[1].address, message[1].size});
      writer_.write(MapRecord{now_, header.address, header.size, stack_of(ring, header), message[1].address});
      break;
    case wire::EventKind::unmap: writer_.write(UnmapRecord{now_, header.address, header.size}); break;
    case wire::EventKind::reserve:
      writer_.write(AccessRecord{now_, AccessRecord::reserve, header.address, header.size, 0});
      break;
    case wire::EventKind::commit:
      writer_.write(AccessRecord{now_, AccessRecord::commit, header.address, header.size, stack_of(ring, header)});
      break;
    case wire::EventKind::decommit:
      writer_.write(AccessRecord{now_, AccessRecord::decommit, header.address, header.size, 0});
      break;
    case wire::EventKind::exec: writer_.write(ExecRecord{now_}); break;
    case wire::EventKind::python_interpreter:
      writer_.write(PythonInterpreterRecord{now_, uint32_t(header.size), uint8_t(header.address != 0)});
      break;
    case wire::EventKind::python_code: on_python_code(header, message.subspan(1)); break;
    default: break;  // alloc and free: above
  }
}

uint32_t ProcessRecorder::stack_of(uint32_t ring, const wire::Event& header) const {
  return header.stack_id ? dense_id(header.stack_id) : anonymous_stack_of_ring_[ring];
}

ProcessRecorder::HeapMessage ProcessRecorder::heap_message(uint32_t ring, const wire::Event& header) {
  if (header.kind == wire::EventKind::free) {
    ++stats_.frees;
    return {.address = header.address};
  }
  ++stats_.allocations;
  return {.address = header.address, .size = header.size, .stack_id = stack_of(ring, header), .is_alloc = true};
}

// While the live blocks fit in the caches, waiting would only cost.
void ProcessRecorder::queue_heap_message(const HeapMessage& message) {
  if (!writer_.wants_prefetch()) {
    write_queued_heap_messages();
    write_heap_message(message);
    return;
  }
  if (message.is_alloc) writer_.prefetch_alloc(message.address);
  else writer_.prefetch_free(message.address);
  if (lookahead_count_ == kLookahead) write_oldest_queued();
  lookahead_[(lookahead_oldest_ + lookahead_count_) % kLookahead] = message;
  ++lookahead_count_;
}

void ProcessRecorder::write_heap_message(const HeapMessage& message) {
  if (message.is_alloc) writer_.alloc(now_, message.address, message.size, message.stack_id);
  else writer_.free(now_, message.address);
}

void ProcessRecorder::write_oldest_queued() {
  write_heap_message(lookahead_[lookahead_oldest_]);
  lookahead_oldest_ = (lookahead_oldest_ + 1) % kLookahead;
  --lookahead_count_;
}

void ProcessRecorder::write_queued_heap_messages() {
  while (lookahead_count_ > 0) write_oldest_queued();
}

void ProcessRecorder::on_stack(uint32_t ring, const wire::Event& header, std::span<const wire::Event> payload) {
  auto bytes = payload_bytes(payload, header.size * sizeof(uint64_t));
  frames_.resize(header.size);
  if (!bytes.empty()) memcpy(frames_.data(), bytes.data(), bytes.size());
  auto [it, added] = dense_id_of_content_.try_emplace(hash_frames(frames_, module_generation_),
                                                       uint32_t(dense_id_of_content_.size() + 1));
  if (added) {
    if (holds_unmapped_code(frames_)) write_perf_map_lines();  // JIT code: named before the stack
    writer_.write(StackRecord{it->second, frames_});
    ++stats_.stacks;
  }
  if (header.stack_id) {
    dense_id_of_.set(header.stack_id, it->second);
  } else {
    anonymous_stack_of_ring_[ring] = it->second;
  }
}

// A return address no module holds, Python frames aside: code a JIT compiler made.
bool ProcessRecorder::holds_unmapped_code(std::span<const uint64_t> frames) const {
  auto mapped = [&](uint64_t ip) {
    return is_python_frame(ip) ||
           std::any_of(modules_.begin(), modules_.end(), [&](const ModuleInfo& m) { return ip > m.start && ip <= m.end; });
  };
  return !modules_.empty() && !std::all_of(frames.begin(), frames.end(), mapped);
}

void ProcessRecorder::write_perf_map_lines() {
  constexpr size_t kRecordBytes = 1 << 20;  // well inside a block
  for (std::string lines = perf_map_.read_new_lines(kRecordBytes); !lines.empty();
       lines = perf_map_.read_new_lines(kRecordBytes)) {
    writer_.write(PerfMapRecord{now_, std::move(lines)});
  }
}

void ProcessRecorder::on_python_code(const wire::Event& header, std::span<const wire::Event> payload) {
  auto bytes = payload_bytes(payload, header.size);
  PythonCodeWire fixed{};
  if (bytes.size() < sizeof fixed) return;
  memcpy(&fixed, bytes.data(), sizeof fixed);
  if (sizeof fixed + size_t(fixed.name_size) + fixed.file_size + fixed.line_table_size > bytes.size()) return;
  const char* at = reinterpret_cast<const char*>(bytes.data()) + sizeof fixed;
  PythonCodeRecord code{header.stack_id, fixed.first_line, std::string(at, fixed.name_size),
                        std::string(at + fixed.name_size, fixed.file_size),
                        std::string(at + fixed.name_size + fixed.file_size, fixed.line_table_size)};
  writer_.write(code);
}

void ProcessRecorder::on_module(const wire::Event& header, std::span<const wire::Event> payload) {
  auto bytes = payload_bytes(payload, header.size);
  wire::ModuleWire fixed{};
  if (bytes.size() < sizeof fixed) return;
  memcpy(&fixed, bytes.data(), sizeof fixed);
  if (sizeof fixed + size_t(fixed.build_id_size) + fixed.path_size > bytes.size()) return;
  ModuleInfo module;
  module.start = fixed.start;
  module.end = fixed.end;
  module.load_bias = fixed.load_bias;
  const char* at = reinterpret_cast<const char*>(bytes.data()) + sizeof fixed;
  module.build_id.assign(at, fixed.build_id_size);
  module.path.assign(at + fixed.build_id_size, fixed.path_size);
  modules_.push_back(std::move(module));
  if (modules_.size() == modules_expected_) write_module_map();
}

// The library sends a module map as it connects, after each fork and each exec: the command
// may have changed. dl_iterate_phdr reports the program first.
void ProcessRecorder::write_module_map() {
  ModuleMapRecord map{++module_generation_, modules_};
  if (file_from_here_)
    for (ModuleInfo& module : map.modules) module.path = file_from_here_(module.path);
  writer_.write(map);
  if (!modules_.empty() && command_.on_module_map(modules_.front().path)) {
    writer_.write(CommandRecord{now_, command_.command()});
  }
}

void ProcessRecorder::sample_rss() {
  if (finished_) return;
  ResidentMemory resident = own_resident_memory(pid_, session_->own_memory_ledger.load(std::memory_order_relaxed));
  if (!resident.bytes) return;
  stats_.peak_rss_bytes = std::max(stats_.peak_rss_bytes, resident.bytes);
  drain();  // events before this instant go first, so the file stays in time order
  uint64_t now = recording_time(monotonic_ns());
  writer_.write(RssRecord{now, resident.bytes});
  writer_.write(ResidentFilesRecord{now, resident.file_bytes});
}

// Until its library connects, the target is still leakrank's fork, not yet the program.
void ProcessRecorder::refresh_command() {
  if (finished_ || !session_->connected.load(std::memory_order_acquire)) return;
  if (command_.refresh()) writer_.write(CommandRecord{recording_time(monotonic_ns()), command_.command()});
}

void ProcessRecorder::mark_snapshot(std::string_view name) {
  if (finished_) return;
  drain();
  writer_.write(SnapshotRecord{recording_time(monotonic_ns()), std::string(name)});
}

void ProcessRecorder::note_child(pid_t pid, const std::string& recording_path) {
  writer_.write(ChildRecord{recording_time(monotonic_ns()), int32_t(pid), recording_path});
}

void ProcessRecorder::note_reservations(const std::vector<MapsEntry>& reserved) {
  uint64_t now = recording_time(monotonic_ns());
  for (const MapsEntry& range : reserved)
    writer_.write(AccessRecord{now, AccessRecord::reserve, range.start, range.end - range.start, 0});
}

void ProcessRecorder::flush() {
  if (!finished_) writer_.flush();
}

void ProcessRecorder::finish(int wait_status) {
  if (finished_) return;
  drain_messages(true);
  write_perf_map_lines();
  uint64_t now = recording_time(monotonic_ns());
  if (command_.settle()) writer_.write(CommandRecord{now, command_.command()});
  writer_.write(EndRecord{now, int32_t(wait_status)});
  writer_.flush();
  finished_ = true;
}

}  // namespace leakrank
