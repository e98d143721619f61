#pragma once
// A growable byte buffer whose resize() leaves the new bytes as they are: block buffers are
// always written before they are read, and zeroing one first would touch every page of it,
// a megabyte at a time, even in a run that fills a few kilobytes.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace leakrank {

template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialization: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using ByteBuffer = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

}  // namespace leakrank
