#include "analyzer/rss_accounting.h"

#include <cmath>

namespace leakrank {
namespace {

int64_t difference(double later, double earlier) { return int64_t(std::llround(later - earlier)); }

}  // namespace

void RssAccounting::sample(double time_s, uint64_t rss_bytes, double heap_bytes, double mapped_bytes) {
  Sample sample{time_s, rss_bytes, heap_bytes, mapped_bytes, std::nullopt};
  if (!first_) {
    first_ = sample;
    highest_ = sample;
    latest_ = &*highest_;
    return;
  }
  // The highest sample keeps the first's files until its own arrive; any other's are not needed.
  if (rss_bytes > highest_->rss) {
    highest_ = sample;
    latest_ = &*highest_;
  } else {
    latest_ = nullptr;
  }
}

void RssAccounting::files(uint64_t file_bytes) {
  if (!latest_) return;
  latest_->files = file_bytes;
  if (latest_ == &*highest_ && highest_->time_s == first_->time_s) first_->files = file_bytes;
}

std::optional<RssExplained> RssAccounting::explain() const {
  if (!first_ || highest_->time_s == first_->time_s) return std::nullopt;
  RssExplained explained;
  explained.from_s = first_->time_s;
  explained.to_s = highest_->time_s;
  explained.rss_growth_bytes = difference(double(highest_->rss), double(first_->rss));
  explained.heap_bytes = difference(highest_->heap, first_->heap);
  explained.mmap_bytes = difference(highest_->mapped, first_->mapped);
  if (first_->files && highest_->files) {
    explained.file_bytes = difference(double(*highest_->files), double(*first_->files));
    explained.other_anonymous_bytes =
        explained.rss_growth_bytes - *explained.file_bytes - explained.heap_bytes - explained.mmap_bytes;
  }
  return explained;
}

}  // namespace leakrank
