#pragma once
// A Python frame inside a recorded stack, in place of a return address: bit 63 (never set
// in a user-space address on the platforms leakrank runs on), the id of its code object,
// which a python_code record describes, and the offset of its current instruction in code
// units, which that code's line table turns into a line.
#include <cstdint>

namespace leakrank {

constexpr uint64_t kPythonFrameBit = uint64_t(1) << 63;
constexpr int kPythonOffsetBits = 24;
constexpr uint64_t kPythonOffsetMask = (uint64_t(1) << kPythonOffsetBits) - 1;
// Bit 62 is never part of an id: the capture marks frames with it before they are recorded.
constexpr uint64_t kMaxPythonCodeId = (uint64_t(1) << (62 - kPythonOffsetBits)) - 1;

constexpr uint64_t python_frame(uint64_t code_id, uint64_t offset) {
  return kPythonFrameBit | (code_id << kPythonOffsetBits) | (offset > kPythonOffsetMask ? kPythonOffsetMask : offset);
}
constexpr bool is_python_frame(uint64_t ip) { return ip & kPythonFrameBit; }
constexpr uint64_t python_code_id(uint64_t ip) { return (ip & ~kPythonFrameBit) >> kPythonOffsetBits; }
constexpr uint64_t python_offset(uint64_t ip) { return ip & kPythonOffsetMask; }

// The payload header of a python_code message; the qualified name, file name and line table follow.
struct PythonCodeWire {
  uint32_t first_line;
  uint32_t name_size;
  uint32_t file_size;
  uint32_t line_table_size;
};

}  // namespace leakrank
