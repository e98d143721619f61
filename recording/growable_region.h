#pragma once
// Anonymous memory that grows by moving its pages (mremap) instead of copying them: growth
// touches only the new part, which the kernel zero-fills on first use. Large regions sit on
// huge-page boundaries and are advised onto transparent huge pages, since lookups land at
// random over many megabytes and 4 KiB pages would also miss the TLB nearly every time.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace leakrank {

class GrowableRegion {
 public:
  GrowableRegion() = default;
  GrowableRegion(GrowableRegion&& other) noexcept { swap(other); }
  GrowableRegion& operator=(GrowableRegion&& other) noexcept {
    swap(other);
    return *this;
  }
  ~GrowableRegion() {
    if (data_) ::munmap(data_, bytes_);
  }

  std::byte* data() const { return data_; }

  // Keeps the contents; the bytes beyond them read as zero. Throws std::bad_alloc.
  void grow_to(size_t bytes) {
    if (rounded(bytes) > bytes_) move_to(rounded(bytes));
  }

 private:
  static constexpr size_t kPage = 4096;
  static constexpr size_t kHugePage = 2 << 20;

  static size_t alignment_of(size_t bytes) { return bytes >= kHugePage ? kHugePage : kPage; }
  static size_t rounded(size_t bytes) {
    size_t alignment = alignment_of(bytes);
    return (bytes + alignment - 1) / alignment * alignment;
  }

  void move_to(size_t bytes) {
    size_t alignment = alignment_of(bytes);
    std::byte* target = reserve_aligned(bytes, alignment);
    void* moved = data_ ? ::mremap(data_, bytes_, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, target)
                        : ::mmap(target, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (moved == MAP_FAILED) {
      ::munmap(target, bytes);
      throw std::bad_alloc();
    }
    if (alignment == kHugePage) ::madvise(target, bytes, MADV_HUGEPAGE);  // advice only
    data_ = target;
    bytes_ = bytes;
  }

  // An inaccessible placeholder at an aligned address, for the region to be moved over.
  static std::byte* reserve_aligned(size_t bytes, size_t alignment) {
    size_t slack = alignment - kPage;
    void* area = ::mmap(nullptr, bytes + slack, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED) throw std::bad_alloc();
    auto start = reinterpret_cast<uintptr_t>(area);
    uintptr_t aligned = (start + alignment - 1) / alignment * alignment;
    if (aligned > start) ::munmap(area, aligned - start);
    if (size_t tail = start + bytes + slack - (aligned + bytes)) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    return reinterpret_cast<std::byte*>(aligned);
  }

  void swap(GrowableRegion& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
  }

  std::byte* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace leakrank
