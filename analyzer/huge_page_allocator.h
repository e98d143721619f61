#pragma once
// Puts large tables on transparent huge pages. Lookups in the table of live blocks land at
// random over many megabytes: with 4 KiB pages nearly each one also misses the TLB.
#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace leakrank {

template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = 2 << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) {
    size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    void* p = std::aligned_alloc(kHugePage, rounded(bytes));
    if (!p) throw std::bad_alloc();
    ::madvise(p, rounded(bytes), MADV_HUGEPAGE);  // only advice: fine if the kernel declines
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePage) return ::operator delete(p);
    std::free(p);
  }
  bool operator==(const HugePageAllocator&) const { return true; }

 private:
  static size_t rounded(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
};

}  // namespace leakrank
