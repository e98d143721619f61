#pragma once
// Python frames of recorded stacks, named from the code objects the recording describes:
// a frame (transport/python_frame.h) holds its code's id and the offset of its instruction,
// which the code's line table (CPython 3.11's location table) turns into a line.
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/symbolizer.h"
#include "recording/record_kinds.h"

namespace leakrank {

class PythonCodeTable {
 public:
  void describe(const PythonCodeRecord& code);  // a later description of an id replaces it
  // The frame of one Python pseudo return address; cached, so the reference stays valid.
  const std::vector<Frame>& frames(uint64_t ip);

 private:
  std::unordered_map<uint32_t, PythonCodeRecord> codes_;
  std::unordered_map<uint64_t, std::vector<Frame>> frames_;  // node-based: references stay valid
};

// The source line of the instruction `offset` code units into a code object, from its
// co_linetable (3.11 format); first_line when the table does not say.
uint32_t python_line(std::string_view line_table, uint32_t first_line, uint64_t offset);

}  // namespace leakrank
