#pragma once
// The fixed-size message the target writes into its ring. Variable-length data
// (a stack's frames, a module's path) follows its header event as raw payload slots.
#include <cstddef>
#include <cstdint>

namespace leakrank::wire {

enum class EventKind : uint8_t {
  alloc = 1,             // address, size, stack_id
  free = 2,              // address
  stack = 3,             // stack_id, size = frame count; payload: frame count x uint64_t IP
  module_map_begin = 4,  // a complete new module map follows; size = module count
  module = 5,            // size = payload bytes; payload: ModuleWire + build-id + path
  map = 6,               // address, size, stack_id: an anonymous private mapping
  unmap = 7,             // address, size
  remap = 8,             // address, size, stack_id of the new range; payload: one Event whose
                         // address and size are the old range's
  exec = 9,              // the first message of an image that replaced the process's last one
  python_interpreter = 10,  // size: PY_VERSION_HEX; address: 1 if its frames are read, else 0
  python_code = 11,      // stack_id: the code's id; size = payload bytes; payload: PythonCodeWire
                         // + qualified name + file name + line table (transport/python_frame.h)
  reserve = 12,          // address, size: an anonymous PROT_NONE mapping, which holds no memory yet
  commit = 13,           // address, size, stack_id: mprotect made the range accessible
  decommit = 14,         // address, size: mprotect(PROT_NONE)
};

struct alignas(32) Event {
  uint64_t sequence;  // position in its ordering stripe (transport/ordering.h)
  uint64_t address;
  uint64_t size;
  uint32_t stack_id;
  EventKind kind;
  uint8_t reserved[3];
};
static_assert(sizeof(Event) == 32);

// Header of a module payload; build-id bytes then path bytes follow it.
struct ModuleWire {
  uint64_t start;      // lowest mapped address of the object's PT_LOAD segments
  uint64_t end;        // one past the highest
  uint64_t load_bias;  // dlpi_addr: runtime address minus ELF virtual address
  uint32_t build_id_size;
  uint32_t path_size;
};

constexpr size_t payload_slots(size_t bytes) { return (bytes + sizeof(Event) - 1) / sizeof(Event); }

// How many slots the message that starts with this header occupies.
constexpr size_t message_slots(const Event& header) {
  switch (header.kind) {
    case EventKind::stack: return 1 + payload_slots(header.size * sizeof(uint64_t));
    case EventKind::module:
    case EventKind::python_code: return 1 + payload_slots(header.size);
    case EventKind::remap: return 2;
    default: return 1;
  }
}

}  // namespace leakrank::wire
