#include "analyzer/python_code.h"

#include "transport/python_frame.h"

namespace leakrank {
namespace {

// The location table's integers: 6 bits a byte, bit 6 says another byte follows.
class LineTableCursor {
 public:
  explicit LineTableCursor(std::string_view bytes) : bytes_(bytes) {}
  bool at_end() const { return at_ >= bytes_.size(); }
  uint8_t byte() { return at_end() ? 0 : uint8_t(bytes_[at_++]); }
  uint64_t varint() {
    uint8_t read = byte();
    uint64_t value = read & 63;
    for (int shift = 6; (read & 64) && !at_end() && shift < 64; shift += 6) {
      read = byte();
      value |= uint64_t(read & 63) << shift;
    }
    return value;
  }
  int64_t svarint() {
    uint64_t value = varint();
    return value & 1 ? -int64_t(value >> 1) : int64_t(value >> 1);
  }
  void skip(size_t bytes) { at_ += bytes; }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

// Entry codes of the 3.11 location table (Objects/locations.md).
constexpr int kNoLocation = 15, kLongForm = 14, kNoColumns = 13, kOneLineFirst = 10;

}  // namespace

uint32_t python_line(std::string_view line_table, uint32_t first_line, uint64_t offset) {
  LineTableCursor cursor(line_table);
  int64_t line = first_line;
  uint64_t address = 0;
  while (!cursor.at_end()) {
    uint8_t first = cursor.byte();
    if (!(first & 0x80)) break;  // not at an entry: damaged
    int code = (first >> 3) & 15;
    uint64_t length = uint64_t(first & 7) + 1;
    int64_t delta = 0;
    if (code == kLongForm) {
      delta = cursor.svarint();
      cursor.varint();  // end line, column, end column
      cursor.varint();
      cursor.varint();
    } else if (code == kNoColumns) {
      delta = cursor.svarint();
    } else if (code >= kOneLineFirst && code < kNoColumns) {
      delta = code - kOneLineFirst;
      cursor.skip(2);
    } else if (code != kNoLocation) {
      cursor.skip(1);
    }
    line += delta;
    if (offset < address + length) return code == kNoLocation || line <= 0 ? first_line : uint32_t(line);
    address += length;
  }
  return first_line;
}

void PythonCodeTable::describe(const PythonCodeRecord& code) { codes_[code.id] = code; }

const std::vector<Frame>& PythonCodeTable::frames(uint64_t ip) {
  auto [it, added] = frames_.try_emplace(ip);
  if (!added) return it->second;
  Frame frame;
  frame.ip = ip;
  frame.python = true;
  frame.module = "python";
  auto code = codes_.find(uint32_t(python_code_id(ip)));
  if (code == codes_.end()) {
    frame.function = "(unknown Python code)";
  } else {
    frame.function = code->second.name;
    frame.file = code->second.file;
    frame.line = python_line(code->second.line_table, code->second.first_line, python_offset(ip));
  }
  it->second.push_back(std::move(frame));
  return it->second;
}

}  // namespace leakrank
