#pragma once
// A live-bytes series kept as an envelope: for each fixed-width time bucket, the lowest,
// highest and last value seen in it, so that a sawtooth keeps its troughs and peaks however
// few snapshot marks fell on it. When the buckets would outnumber a bound, adjacent pairs merge
// and the width doubles: memory stays O(bound) per series whatever the run's length. A series
// stores a bucket only where it changed; in between it holds its last value.
#include <cstdint>
#include <vector>

namespace leakrank {

struct EnvelopeBucket {
  double low = 0;   // the value the bucket began with counts
  double high = 0;
  double last = 0;  // at the bucket's end
};

// The buckets every series of an analysis shares: [origin + i * width, origin + (i + 1) * width).
class EnvelopeGrid {
 public:
  static constexpr uint32_t kMaxBuckets = 256;  // between half this and this many at any time
  // Samples per bucket between snapshot marks: a tooth's top and bottom are caught to within
  // an eighth of a bucket, and sampling costs a few thousand folds of the changed stacks a run.
  static constexpr uint64_t kSamplesPerBucket = 8;

  void start(uint64_t origin_ns) { origin_ns_ = origin_ns; }
  uint64_t origin_ns() const { return origin_ns_; }
  uint64_t width_ns() const { return width_ns_; }

  // The bucket of the instant just before time_ns: a sample taken before the records stamped
  // time_ns closes the bucket that ends there.
  uint32_t bucket_of(uint64_t time_ns) const;
  bool too_many(uint32_t bucket) const { return bucket >= kMaxBuckets; }
  void double_width() { width_ns_ *= 2; }
  // The first sample time after time_ns.
  uint64_t next_sample_after(uint64_t time_ns) const;
  // Bucket edges in seconds, origin first, the last one cut at end_ns.
  std::vector<double> bounds_s(uint64_t end_ns) const;

 private:
  uint64_t origin_ns_ = 0;
  uint64_t width_ns_ = 1'000'000;  // as fine as the recorder's timestamps at first; doubles as the run goes on
};

class EnvelopeTrack {
 public:
  // The series moved from `before` to `value` in `bucket`, no earlier than its last change.
  void record(uint32_t bucket, double before, double value);
  // The grid's width doubled: buckets 2i and 2i + 1 become bucket i.
  void merge_pairs();
  // One bucket per grid bucket, before the first change the series' value is 0.
  std::vector<EnvelopeBucket> dense(uint32_t bucket_count) const;
  void clear();

 private:
  struct Entry {
    uint32_t bucket;
    EnvelopeBucket values;
  };
  std::vector<Entry> entries_;  // by bucket, only buckets in which the series changed
};

}  // namespace leakrank
