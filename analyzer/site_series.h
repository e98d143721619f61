#pragma once
// Per site: live bytes at each snapshot point, and in between an envelope (lowest, highest
// and last value per time bucket, analyzer/series_envelope.h) sampled many times a bucket, so
// a site that rises and falls between marks is seen doing so. Each moment visits only the
// stacks that changed since the previous one, and a site's series store a value only when it
// changed, so a moment costs what changed, not the number of sites.
//
// Every stack a moment folds has its site already (the analysis waits for its frames first):
// a stack's bytes go into its site's series from the start, so the series, and the peaks and
// verdicts read from them, are the same however fast the symbolizing thread ran.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "analyzer/live_heap.h"
#include "analyzer/series_envelope.h"
#include "analyzer/site_grouping.h"

namespace leakrank {

constexpr uint32_t kNoSite = std::numeric_limits<uint32_t>::max();

class SiteSeries {
 public:
  explicit SiteSeries(size_t max_points) : max_points_(std::max<size_t>(max_points, 2)) {}

  // Periodic thinning while streaming: once there are twice too many points every other one
  // is dropped and from then on only every stride-th snapshot record becomes a point.
  bool wants_snapshot() { return ++snapshots_seen_ % stride_ == 0; }

  // A snapshot point. The first one is the series' start, the envelopes' time zero. Every
  // stack read so far must have its site in grouping.
  void capture(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping);

  // Between points: when the next heap record is stamped next_record_ns and a sample is due
  // (next_sample_ns() <= next_record_ns), samples the state before it, unless the sample would
  // cost too much for the records replayed since the last (it then waits for more). False when
  // it waited: no other sample is due until it is taken.
  uint64_t next_sample_ns() const { return next_sample_ns_; }
  bool sample_before(uint64_t next_record_ns, LiveHeap& heap, SiteGrouping& grouping);

  // The points to report: evenly spread over those captured, first and last included.
  std::vector<uint32_t> chosen_points() const;
  uint64_t time_ns(uint32_t point) const { return times_ns_[point]; }
  // A site's value at each chosen point: the last change at or before it.
  std::vector<double> values(uint32_t site, const std::vector<uint32_t>& points) const;

  // The envelope's bucket edges, up to end_ns (the last capture), and a site's buckets.
  std::vector<double> envelope_bounds_s(uint64_t end_ns) const { return grid_.bounds_s(end_ns); }
  std::vector<EnvelopeBucket> envelope(uint32_t site, uint64_t end_ns) const;

  double allocations_at_start(uint32_t site) const;
  // The site each stack was folded into (kNoSite for stacks that never allocated).
  uint32_t site_of_stack(uint32_t stack_id) const;

 private:
  static constexpr uint32_t kNoTrack = std::numeric_limits<uint32_t>::max();

  struct StackTrack {
    double folded_bytes = 0;    // its live bytes as of the last moment
    uint32_t track = kNoTrack;  // its site's series; kNoTrack until its first fold
  };
  // One site's series. What each moment touches is kept apart from the history, in a small
  // record per series.
  struct TrackNow {
    double bytes = 0;
    double before_moment = 0;      // the value when the moment at hand began
    uint32_t touched_moment = 0;   // the last moment that changed it
    bool changed_since_point = false;
  };
  struct TrackHistory {
    uint32_t site = kNoSite;
    double allocations_at_start = 0;
    std::vector<std::pair<uint32_t, double>> points;  // (point, live bytes) when it changed
    EnvelopeTrack envelope;
  };

  // Folds what changed into the series and records the envelopes; point: also a snapshot point.
  void fold_moment(uint64_t time_ns, LiveHeap& heap, SiteGrouping& grouping, bool point);
  uint32_t track_of(uint32_t stack_id, SiteGrouping& grouping);
  uint32_t site_track(uint32_t site);
  void touch(uint32_t track);
  void record_points(uint32_t point);
  uint32_t bucket_for(uint64_t time_ns);
  void drop_every_other_point();

  size_t max_points_;
  uint64_t stride_ = 1;
  uint64_t snapshots_seen_ = 0;
  bool started_ = false;
  uint32_t moment_ = 0;
  uint64_t next_sample_ns_ = std::numeric_limits<uint64_t>::max();
  bool sample_waited_ = false;       // the sample due was put off: records past its time are in
  uint64_t events_at_sample_ = 0;    // LiveHeap::events_replayed() at the last sample
  EnvelopeGrid grid_;
  std::vector<uint64_t> times_ns_;
  std::vector<StackTrack> stacks_;
  std::vector<TrackNow> now_;               // by track
  std::vector<TrackHistory> history_;       // by track
  std::vector<uint32_t> site_tracks_;       // by site
  std::vector<uint32_t> touched_;           // tracks changed in the moment at hand
  std::vector<uint32_t> changed_since_point_;
};

}  // namespace leakrank
