#include "analyzer/site_series.h"

#include <cmath>

namespace leakrank {

void SiteSeries::capture(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping) {
  if (!started_) {
    started_ = true;
    grid_.start(time_ns);
    next_sample_ns_ = grid_.next_sample_after(time_ns);
  }
  if (times_ns_.empty() || times_ns_.back() != time_ns) times_ns_.push_back(time_ns);
  fold_moment(time_ns, heap, grouping, true);
  while (times_ns_.size() > 2 * max_points_) drop_every_other_point();
}

// A sample folds every stack changed since the last one. Where stacks are many and each
// changes a few times between samples (thousands of call sites churning), sampling would cost
// as much as the replay: a sample of many stacks then waits until the replay has done
// kEventsPerFoldedStack records for each stack it will fold, and takes the state it finds.
// A few hundred stacks cost microseconds: the ten thousand samples of a run, milliseconds.
bool SiteSeries::sample_before(uint64_t next_record_ns, LiveHeap& heap, SiteGrouping& grouping) {
  constexpr uint64_t kEventsPerFoldedStack = 32;
  constexpr uint64_t kCheapFolds = 256;
  if (next_record_ns < next_sample_ns_) return true;
  uint64_t folds = heap.changed_stacks().size();
  if (folds > kCheapFolds && folds * kEventsPerFoldedStack > heap.events_replayed() - events_at_sample_) {
    sample_waited_ = true;
    return false;
  }
  // On time, the state is the one at the due time; put off, the one just before the record.
  fold_moment(sample_waited_ ? next_record_ns : next_sample_ns_, heap, grouping, false);
  sample_waited_ = false;
  events_at_sample_ = heap.events_replayed();
  // Nothing changes until that record: the samples due meanwhile would all read the same.
  next_sample_ns_ = grid_.next_sample_after(next_record_ns);
  return true;
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
  if (site >= site_tracks_.size() || site_tracks_[site] == kNoTrack) return values;
  const auto& changes = history_[site_tracks_[site]].points;
  size_t next = 0;
  double current = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    while (next < changes.size() && changes[next].first <= points[i]) current = changes[next++].second;
    values[i] = current;
  }
  return values;
}

std::vector<EnvelopeBucket> SiteSeries::envelope(uint32_t site, uint64_t end_ns) const {
  uint32_t buckets = grid_.bucket_of(end_ns) + 1;
  if (site >= site_tracks_.size() || site_tracks_[site] == kNoTrack) return std::vector<EnvelopeBucket>(buckets);
  return history_[site_tracks_[site]].envelope.dense(buckets);
}

double SiteSeries::allocations_at_start(uint32_t site) const {
  if (site >= site_tracks_.size() || site_tracks_[site] == kNoTrack) return 0;
  return history_[site_tracks_[site]].allocations_at_start;
}

uint32_t SiteSeries::site_of_stack(uint32_t stack_id) const {
  if (stack_id >= stacks_.size() || stacks_[stack_id].track == kNoTrack) return kNoSite;
  return history_[stacks_[stack_id].track].site;
}

// The stacks' changes are summed per series first, then each series records its value once:
// two stacks of a site trading bytes in one moment leave no false dip in its envelope.
void SiteSeries::fold_moment(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping, bool point) {
  uint32_t bucket = bucket_for(time_ns);
  bool origin = ++moment_ == 1;  // what the sites held when the series start is where they start
  const std::vector<StackUsage>& usage = heap.stacks();
  for (uint32_t stack_id : heap.changed_stacks()) {  // the hot loop: thousands of times a run
    bool known = stack_id < stacks_.size() && stacks_[stack_id].track != kNoTrack;
    uint32_t track = known ? stacks_[stack_id].track : track_of(stack_id, grouping);
    TrackNow& now = now_[track];
    if (now.touched_moment != moment_) touch(track);
    double& folded = stacks_[stack_id].folded_bytes;
    now.bytes += usage[stack_id].live_bytes - folded;
    folded = usage[stack_id].live_bytes;
    if (origin) history_[track].allocations_at_start += usage[stack_id].live_allocations;
  }
  heap.clear_changed();
  for (uint32_t track : touched_) {
    const TrackNow& now = now_[track];
    history_[track].envelope.record(bucket, origin ? now.bytes : now.before_moment, now.bytes);
  }
  touched_.clear();
  if (point) record_points(uint32_t(times_ns_.size() - 1));
}

uint32_t SiteSeries::track_of(uint32_t stack_id, SiteGrouping& grouping) {
  if (stack_id >= stacks_.size()) stacks_.resize(size_t(stack_id) + 1);
  StackTrack& stack = stacks_[stack_id];
  if (stack.track == kNoTrack) stack.track = site_track(grouping.site_of(stack_id));
  return stack.track;
}

uint32_t SiteSeries::site_track(uint32_t site) {
  if (site >= site_tracks_.size()) site_tracks_.resize(size_t(site) + 1, kNoTrack);
  if (site_tracks_[site] == kNoTrack) {
    site_tracks_[site] = uint32_t(now_.size());
    now_.emplace_back();
    history_.emplace_back().site = site;
  }
  return site_tracks_[site];
}

// The first change of a series in a moment.
void SiteSeries::touch(uint32_t track) {
  TrackNow& now = now_[track];
  now.touched_moment = moment_;
  now.before_moment = now.bytes;
  touched_.push_back(track);
  if (!now.changed_since_point) {
    now.changed_since_point = true;
    changed_since_point_.push_back(track);
  }
}

void SiteSeries::record_points(uint32_t point) {
  for (uint32_t track : changed_since_point_) {
    TrackNow& now = now_[track];
    now.changed_since_point = false;
    auto& points = history_[track].points;
    if (!points.empty() && points.back().first == point) points.pop_back();
    points.push_back({point, now.bytes});
  }
  changed_since_point_.clear();
}

// The bucket a moment falls in, the grid coarsened first if it would have too many.
uint32_t SiteSeries::bucket_for(uint64_t time_ns) {
  uint32_t bucket = grid_.bucket_of(time_ns);
  while (grid_.too_many(bucket)) {
    for (TrackHistory& history : history_) history.envelope.merge_pairs();
    grid_.double_width();
    bucket = grid_.bucket_of(time_ns);
  }
  return bucket;
}

// Keeps the even points; a change at an odd point shows from the next kept point on.
void SiteSeries::drop_every_other_point() {
  for (size_t i = 0; i < times_ns_.size(); i += 2) times_ns_[i / 2] = times_ns_[i];
  times_ns_.resize((times_ns_.size() + 1) / 2);
  for (TrackHistory& history : history_) {
    auto& points = history.points;
    size_t kept = 0;
    for (auto [point, value] : points) {
      uint32_t moved = (point + 1) / 2;
      if (kept > 0 && points[kept - 1].first == moved) --kept;
      points[kept++] = {moved, value};
    }
    points.resize(kept);
  }
  stride_ *= 2;
}

}  // namespace leakrank
