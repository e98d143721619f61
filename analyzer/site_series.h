#pragma once
// Per site: live bytes at each snapshot point. Only stacks that changed since the previous
// point are visited, and a site's series stores (point, value) only when the value changed,
// so a point costs what changed, not the number of sites.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "analyzer/live_heap.h"
#include "analyzer/site_grouping.h"

namespace leakrank {

constexpr uint32_t kNoSite = std::numeric_limits<uint32_t>::max();

class SiteSeries {
 public:
  explicit SiteSeries(size_t max_points) : max_points_(std::max<size_t>(max_points, 2)) {}

  // Periodic thinning while streaming: once there are twice too many points every other one
  // is dropped and from then on only every stride-th snapshot record becomes a point.
  bool wants_snapshot() { return ++snapshots_seen_ % stride_ == 0; }

  // sites_known: every stack read so far has its site. Until then the stacks' values are
  // kept, point by point, and folded into their sites once they are.
  void capture(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping, bool sites_known);

  // The points to report: evenly spread over those captured, first and last included.
  std::vector<uint32_t> chosen_points() const;
  uint64_t time_ns(uint32_t point) const { return times_ns_[point]; }
  // A site's value at each chosen point: the last change at or before it.
  std::vector<double> values(uint32_t site, const std::vector<uint32_t>& points) const;

  double allocations_at_start(uint32_t site) const {
    return site < sites_.size() ? sites_[site].allocations_at_start : 0;
  }
  // The site each stack was folded into (kNoSite for stacks that never allocated).
  uint32_t site_of_stack(uint32_t stack_id) const {
    return stack_id < stacks_.size() ? stacks_[stack_id].site : kNoSite;
  }

 private:
  struct StackTrack {
    double live_bytes = 0;  // as of the last point
    double live_allocations = 0;
    uint32_t site = kNoSite;
  };
  struct SiteTrack {
    double live_bytes = 0;
    double live_allocations = 0;
    double allocations_at_start = 0;
    std::vector<std::pair<uint32_t, double>> series;  // (point, live bytes) when it changed
    bool touched = false;
  };
  struct StackValue {  // a stack's values at a point, not yet folded into its site
    uint32_t point;
    uint32_t stack_id;
    double live_bytes;
    double live_allocations;
  };

  void fold_unfolded(SiteGrouping& grouping);
  void fold_stack(const StackValue& value, SiteGrouping& grouping);
  void record_touched_sites(uint32_t point);
  void drop_every_other_point();

  size_t max_points_;
  uint64_t stride_ = 1;
  uint64_t snapshots_seen_ = 0;
  std::vector<uint64_t> times_ns_;
  std::vector<StackTrack> stacks_;
  std::vector<SiteTrack> sites_;
  std::vector<uint32_t> touched_sites_;
  std::vector<StackValue> unfolded_;  // oldest point first
};

}  // namespace leakrank
