#pragma once
// Variable-length data that follows a message's header slot, as raw bytes over the next
// slots: the pieces in order, zero-padded to whole slots. The slots may wrap around the
// ring, so the bytes are copied slot by slot.
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <span>

#include "preload/thread_ring.h"
#include "transport/wire_event.h"

namespace leakrank::preload {

using PayloadPiece = std::span<const unsigned char>;

inline size_t payload_bytes(std::initializer_list<PayloadPiece> pieces) {
  size_t bytes = 0;
  for (PayloadPiece piece : pieces) bytes += piece.size();
  return bytes;
}

// Writes the pieces into slots first_slot, first_slot + 1, ... of the message being written.
inline void write_payload(RingWriter& writer, size_t first_slot, std::initializer_list<PayloadPiece> pieces) {
  unsigned char bytes[sizeof(wire::Event)];
  size_t filled = 0, slot = first_slot;
  for (PayloadPiece piece : pieces) {
    for (unsigned char byte : piece) {
      bytes[filled++] = byte;
      if (filled == sizeof bytes) {
        memcpy(&writer.slot(slot++), bytes, sizeof bytes);
        filled = 0;
      }
    }
  }
  if (filled == 0) return;
  memset(bytes + filled, 0, sizeof bytes - filled);
  memcpy(&writer.slot(slot), bytes, sizeof bytes);
}

template <class T>
PayloadPiece bytes_of(const T& value) {
  return {reinterpret_cast<const unsigned char*>(&value), sizeof value};
}

}  // namespace leakrank::preload
