#pragma once
// What reading a recording gives: its records, in file order, as calls on a sink.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recording/record_format.h"

namespace leakrank {

enum class HeapEvent : uint8_t {
  alloc,
  free,
  temporary_free,  // the free of the allocation recorded just before it: a temporary allocation
};

// A free that names its allocation by age (how many allocations back in the same block) is
// temporary when it ends the allocation recorded right before it. The writer, for its
// observer, and the reader both tell it this way.
constexpr HeapEvent free_named_by_age(uint64_t age, bool right_after_alloc) {
  return age == 1 && right_after_alloc ? HeapEvent::temporary_free : HeapEvent::free;
}

// An allocation or a free, as a run of them reaches RecordSink::on_heap_records. A free
// carries the size and stack of the allocation it ends.
struct HeapRecord {
  uint64_t time_ns;
  uint64_t size;
  uint32_t stack_id;
  HeapEvent event;

  bool is_free() const { return event != HeapEvent::alloc; }
};

// Receives records in file order (= time order). Override what you need.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_meta(const RecordingMeta&) {}
  virtual void on_module_map(uint32_t /*generation*/, const std::vector<ModuleInfo>&) {}
  virtual void on_stack(uint32_t /*id*/, std::span<const uint64_t> /*ips*/) {}
  virtual void on_alloc(uint64_t /*time_ns*/, uint64_t /*size*/, uint32_t /*stack_id*/) {}
  virtual void on_free(uint64_t /*time_ns*/, uint64_t /*size*/, uint32_t /*stack_id*/) {}
  // Consecutive allocations and frees, from readers that gather them (the pipelined one):
  // a sink that replays a heap takes them without a call per record. By default each
  // goes to on_alloc or on_free.
  virtual void on_heap_records(std::span<const HeapRecord> records) {
    for (const HeapRecord& r : records) {
      if (r.is_free()) on_free(r.time_ns, r.size, r.stack_id);
      else on_alloc(r.time_ns, r.size, r.stack_id);
    }
  }
  // A free of an address never seen allocated: from before an attach, or a lost allocation.
  virtual void on_unmatched_free(uint64_t /*time_ns*/, uint64_t /*address*/) {}
  virtual void on_rss(uint64_t /*time_ns*/, uint64_t /*bytes*/) {}
  virtual void on_snapshot(uint64_t /*time_ns*/, std::string_view /*name*/) {}
  virtual void on_child(uint64_t /*time_ns*/, int32_t /*pid*/, std::string_view /*recording_path*/) {}
  // What the process runs from here on, in place of the meta's command: it exec'd or retitled itself.
  virtual void on_command(uint64_t /*time_ns*/, const std::vector<std::string>& /*command*/) {}
  virtual void on_end(uint64_t /*time_ns*/, int32_t /*wait_status*/) {}
};

}  // namespace leakrank
