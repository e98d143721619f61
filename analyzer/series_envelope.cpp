#include "analyzer/series_envelope.h"

#include <algorithm>

namespace leakrank {

uint32_t EnvelopeGrid::bucket_of(uint64_t time_ns) const {
  if (time_ns <= origin_ns_) return 0;
  return uint32_t(std::min<uint64_t>((time_ns - origin_ns_ - 1) / width_ns_, UINT32_MAX));
}

uint64_t EnvelopeGrid::next_sample_after(uint64_t time_ns) const {
  uint64_t period = std::max<uint64_t>(width_ns_ / kSamplesPerBucket, 1);
  uint64_t since_origin = time_ns > origin_ns_ ? time_ns - origin_ns_ : 0;
  return origin_ns_ + (since_origin / period + 1) * period;
}

std::vector<double> EnvelopeGrid::bounds_s(uint64_t end_ns) const {
  uint32_t count = bucket_of(end_ns) + 1;
  std::vector<double> bounds;
  bounds.reserve(count + 1);
  for (uint32_t i = 0; i < count; ++i) bounds.push_back(double(origin_ns_ + uint64_t(i) * width_ns_) * 1e-9);
  bounds.push_back(double(std::max(end_ns, origin_ns_)) * 1e-9);
  return bounds;
}

void EnvelopeTrack::record(uint32_t bucket, double before, double value) {
  if (entries_.empty() || entries_.back().bucket != bucket) {
    entries_.push_back({bucket, {std::min(before, value), std::max(before, value), value}});
    return;
  }
  EnvelopeBucket& open = entries_.back().values;
  open.low = std::min(open.low, value);
  open.high = std::max(open.high, value);
  open.last = value;
}

// A bucket's low and high already count the value it began with, so a lone half keeps its
// own: the other half of the merged bucket held that value throughout.
void EnvelopeTrack::merge_pairs() {
  size_t kept = 0;
  for (const Entry& entry : entries_) {
    uint32_t merged = entry.bucket / 2;
    if (kept > 0 && entries_[kept - 1].bucket == merged) {
      EnvelopeBucket& earlier = entries_[kept - 1].values;
      earlier.low = std::min(earlier.low, entry.values.low);
      earlier.high = std::max(earlier.high, entry.values.high);
      earlier.last = entry.values.last;
    } else {
      entries_[kept++] = {merged, entry.values};
    }
  }
  entries_.resize(kept);
}

std::vector<EnvelopeBucket> EnvelopeTrack::dense(uint32_t bucket_count) const {
  std::vector<EnvelopeBucket> buckets(bucket_count);
  double held = 0;
  size_t next = 0;
  for (uint32_t bucket = 0; bucket < bucket_count; ++bucket) {
    if (next < entries_.size() && entries_[next].bucket == bucket) {
      buckets[bucket] = entries_[next++].values;
      held = buckets[bucket].last;
    } else {
      buckets[bucket] = {held, held, held};
    }
  }
  return buckets;
}

void EnvelopeTrack::clear() {
  entries_.clear();
  entries_.shrink_to_fit();
}

}  // namespace leakrank
