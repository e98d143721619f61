#pragma once
// Anonymous memory for a large table, zero-filled by the kernel on first use. Large regions
// sit on huge-page boundaries and are advised onto transparent huge pages, since lookups
// land at random over many megabytes and 4 KiB pages would also miss the TLB nearly every time.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace leakrank {

class MappedRegion {
 public:
  MappedRegion() = default;
  explicit MappedRegion(size_t bytes) { map(bytes); }  // throws std::bad_alloc
  MappedRegion(MappedRegion&& other) noexcept { swap(other); }
  MappedRegion& operator=(MappedRegion&& other) noexcept {
    swap(other);
    return *this;
  }
  ~MappedRegion() {
    if (data_) ::munmap(data_, bytes_);
  }

  std::byte* data() const { return data_; }

 private:
  static constexpr size_t kPage = 4096;
  static constexpr size_t kHugePage = 2 << 20;

  void map(size_t bytes) {
    size_t alignment = bytes >= kHugePage ? kHugePage : kPage;
    bytes = (bytes + alignment - 1) / alignment * alignment;
    // Mapped with room to spare, then trimmed to an aligned start.
    size_t slack = alignment - kPage;
    void* area = ::mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) throw std::bad_alloc();
    auto start = reinterpret_cast<uintptr_t>(area);
    uintptr_t aligned = (start + alignment - 1) / alignment * alignment;
    if (aligned > start) ::munmap(area, aligned - start);
    if (size_t tail = start + bytes + slack - (aligned + bytes)) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    if (alignment == kHugePage) ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // advice only
    data_ = reinterpret_cast<std::byte*>(aligned);
    bytes_ = bytes;
  }

  void swap(MappedRegion& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
  }

  std::byte* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace leakrank
