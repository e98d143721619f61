#include "analyzer/site_series.h"

#include <cmath>

namespace leakrank {

void SiteSeries::capture(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping, bool sites_known) {
  if (times_ns_.empty() || times_ns_.back() != time_ns) times_ns_.push_back(time_ns);
  uint32_t point = uint32_t(times_ns_.size() - 1);
  for (uint32_t stack_id : heap.changed_stacks()) {
    const StackUsage& usage = heap.stacks()[stack_id];
    unfolded_.push_back({point, stack_id, usage.live_bytes, usage.live_allocations});
  }
  heap.clear_changed();
  if (!sites_known) return;
  fold_unfolded(grouping);
  while (times_ns_.size() > 2 * max_points_) drop_every_other_point();
}

std::vector<uint32_t> SiteSeries::chosen_points() const {
  size_t count = times_ns_.size();
  if (count <= max_points_) {
    std::vector<uint32_t> all(count);
    for (size_t i = 0; i < count; ++i) all[i] = uint32_t(i);
    return all;
  }
  std::vector<uint32_t> chosen;
  for (size_t i = 0; i < max_points_; ++i)
    chosen.push_back(uint32_t(std::llround(double(i) * double(count - 1) / double(max_points_ - 1))));
  return chosen;
}

std::vector<double> SiteSeries::values(uint32_t site, const std::vector<uint32_t>& points) const {
  std::vector<double> values(points.size(), 0.0);
  if (site >= sites_.size()) return values;
  const auto& changes = sites_[site].series;
  size_t next = 0;
  double current = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    while (next < changes.size() && changes[next].first <= points[i]) current = changes[next++].second;
    values[i] = current;
  }
  return values;
}

void SiteSeries::fold_unfolded(SiteGrouping& grouping) {
  for (size_t i = 0; i < unfolded_.size();) {
    uint32_t point = unfolded_[i].point;
    for (; i < unfolded_.size() && unfolded_[i].point == point; ++i) fold_stack(unfolded_[i], grouping);
    record_touched_sites(point);
  }
  unfolded_.clear();
}

void SiteSeries::fold_stack(const StackValue& value, SiteGrouping& grouping) {
  if (value.stack_id >= stacks_.size()) stacks_.resize(size_t(value.stack_id) + 1);
  StackTrack& stack = stacks_[value.stack_id];
  if (stack.site == kNoSite) stack.site = grouping.site_of(value.stack_id);
  if (stack.site >= sites_.size()) sites_.resize(size_t(stack.site) + 1);
  SiteTrack& site = sites_[stack.site];
  site.live_bytes += value.live_bytes - stack.live_bytes;
  site.live_allocations += value.live_allocations - stack.live_allocations;
  stack.live_bytes = value.live_bytes;
  stack.live_allocations = value.live_allocations;
  if (!site.touched) {
    site.touched = true;
    touched_sites_.push_back(stack.site);
  }
}

void SiteSeries::record_touched_sites(uint32_t point) {
  for (uint32_t site : touched_sites_) {
    SiteTrack& track = sites_[site];
    if (!track.series.empty() && track.series.back().first == point) track.series.pop_back();
    track.series.push_back({point, track.live_bytes});
    if (point == 0) track.allocations_at_start = track.live_allocations;
    track.touched = false;
  }
  touched_sites_.clear();
}

// Keeps the even points; a change at an odd point shows from the next kept point on.
void SiteSeries::drop_every_other_point() {
  for (size_t i = 0; i < times_ns_.size(); i += 2) times_ns_[i / 2] = times_ns_[i];
  times_ns_.resize((times_ns_.size() + 1) / 2);
  for (SiteTrack& site : sites_) {
    size_t kept = 0;
    for (auto [point, value] : site.series) {
      uint32_t moved = (point + 1) / 2;
      if (kept > 0 && site.series[kept - 1].first == moved) --kept;
      site.series[kept++] = {moved, value};
    }
    site.series.resize(kept);
  }
  stride_ *= 2;
}

}  // namespace leakrank
