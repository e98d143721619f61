#pragma once
// LEB128 varints and zigzag mapping: the integer encoding of every record field.
// Header-only so the writer's and the reader's hot loops can inline them.
#include <cstddef>
#include <cstdint>

namespace leakrank {

constexpr size_t kMaxVarintBytes = 10;  // 64 bits / 7 bits per byte, rounded up

// Signed values go through zigzag so small magnitudes of either sign stay short.
constexpr uint64_t zigzag_encode(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
constexpr int64_t zigzag_decode(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

// Writes v at out, which must have room for kMaxVarintBytes; returns one past the last byte.
inline uint8_t* encode_varint(uint64_t v, uint8_t* out) {
  while (v >= 0x80) {
    *out++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *out++ = uint8_t(v);
  return out;
}

// Reads one varint from [p, end) into value; returns one past it, or nullptr when the
// varint runs past end or does not fit 64 bits (a damaged stream, never undefined behaviour).
inline const uint8_t* decode_varint(const uint8_t* p, const uint8_t* end, uint64_t& value) {
  if (p != end && *p < 0x80) {  // most fields are small: one byte, one branch
    value = *p;
    return p + 1;
  }
  uint64_t result = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (p == end) return nullptr;
    uint64_t byte = *p++;
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      if (shift == 63 && byte > 1) return nullptr;  // bits beyond 64
      value = result;
      return p;
    }
  }
  return nullptr;  // an eleventh continuation byte
}

}  // namespace leakrank
