#pragma once
// What reading a recording gives: its records, in file order, as calls on a sink.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recording/record_format.h"
#include "recording/record_kinds.h"

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

// Receives records in file order (= time order). Override what you need: one on() per kind
// of record_kinds.h, and the allocations and frees.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
#define LEAKRANK_RECORD_HANDLER(Kind) \
  virtual void on(const Kind&) {}
  LEAKRANK_RECORD_KINDS(LEAKRANK_RECORD_HANDLER)
#undef LEAKRANK_RECORD_HANDLER
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
};

// Hands any one record to the sink's handler of its kind.
inline void deliver(const AnyRecord& record, RecordSink& sink) {
  std::visit([&sink](const auto& kind) { sink.on(kind); }, record);
}

}  // namespace leakrank
