#pragma once
// The few protobuf wire-format pieces pprof export needs: varints, packed varints and
// length-delimited fields (strings and nested messages). Nested messages are built in their
// own writer and appended whole, which keeps the writer free of length back-patching.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace leakrank {

class ProtobufWriter {
 public:
  // int64 fields are written as their two's complement, as protobuf does.
  void varint_field(uint32_t field, uint64_t value) {
    tag(field, kVarint);
    varint(value);
  }

  // Skipped when zero: proto3 reads a missing scalar as zero.
  void optional_varint_field(uint32_t field, uint64_t value) {
    if (value != 0) varint_field(field, value);
  }

  void packed_varint_field(uint32_t field, std::span<const uint64_t> values) {
    ProtobufWriter packed;
    for (uint64_t value : values) packed.varint(value);
    bytes_field(field, packed.bytes());
  }

  void bytes_field(uint32_t field, std::string_view bytes) {
    tag(field, kLengthDelimited);
    varint(bytes.size());
    bytes_.append(bytes);
  }

  void message_field(uint32_t field, const ProtobufWriter& message) { bytes_field(field, message.bytes()); }

  const std::string& bytes() const { return bytes_; }

 private:
  static constexpr uint32_t kVarint = 0;
  static constexpr uint32_t kLengthDelimited = 2;

  void tag(uint32_t field, uint32_t wire_type) { varint(uint64_t{field} << 3 | wire_type); }

  void varint(uint64_t value) {
    while (value >= 0x80) {
      bytes_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    bytes_.push_back(static_cast<char>(value));
  }

  std::string bytes_;
};

}  // namespace leakrank
