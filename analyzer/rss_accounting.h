#pragma once
// What the recorded allocations explain of a process's RSS growth: from the window's first
// RSS sample to its highest, how much was heap blocks, anonymous mappings, other anonymous
// memory (allocator retention, thread stacks, memory taken by calls leakrank does not see)
// and file-backed or shared pages. RSS alone says that memory grew; this says whether the
// ranked sites are where it went.
#include <cstdint>
#include <optional>

namespace leakrank {

struct RssExplained {
  double from_s = 0;
  double to_s = 0;  // the highest sample
  int64_t rss_growth_bytes = 0;
  int64_t heap_bytes = 0;    // growth of malloc-family blocks over the same span
  int64_t mmap_bytes = 0;    // of recorded anonymous mappings
  std::optional<int64_t> other_anonymous_bytes;  // anonymous growth the two above leave
  std::optional<int64_t> file_bytes;             // file-backed and shared memory
  // More than half of a growth is elsewhere than in recorded heap blocks and mappings.
  bool mostly_unrecorded() const { return rss_growth_bytes > 0 && 2 * (heap_bytes + mmap_bytes) < rss_growth_bytes; }
};

class RssAccounting {
 public:
  // An RSS sample, with the recorded heap and mapped bytes at the same instant.
  void sample(double time_s, uint64_t rss_bytes, double heap_bytes, double mapped_bytes);
  // The file-backed part of the latest sample (recordings before format v5 have none).
  void files(uint64_t file_bytes);
  std::optional<RssExplained> explain() const;  // none before two samples

 private:
  struct Sample {
    double time_s = 0;
    uint64_t rss = 0;
    double heap = 0;
    double mapped = 0;
    std::optional<uint64_t> files;
  };
  std::optional<Sample> first_;
  std::optional<Sample> highest_;
  Sample* latest_ = nullptr;
};

}  // namespace leakrank
