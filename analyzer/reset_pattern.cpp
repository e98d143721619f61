#include "analyzer/reset_pattern.h"

#include <algorithm>
#include <vector>

#include "analyzer/robust_statistics.h"

namespace leakrank {
namespace {

// A reset gives back most of what the site holds: its range (top minus lowest) is at least
// half its top, or the site is a steady holding with churn on top, not something rebuilt.
constexpr double kRangeShareOfTop = 0.5;
// It falls into the lowest tenth of that range (freed's "back to near zero"), from a tooth
// that had risen at least halfway up.
constexpr double kNearLowest = 0.1;
constexpr double kToothTop = 0.5;
// The buckets resolve the teeth: in most of them the series moves through at most a quarter
// of its range (a tooth rises over four buckets or more). Churn faster than the buckets, or
// aliased by the samples, sweeps most of the range in every bucket.
constexpr double kResolvedSpanOfRange = 0.25;
// Between resets a rebuilt structure holds memory: most buckets stay clear of the lowest
// tenth throughout. Churn that sits near its lowest level and bursts now and then does not.
constexpr double kHeldShareOfBuckets = 0.5;
// One reset may be a phase ending; a second one makes it a pattern.
constexpr size_t kMinResets = 2;
// Once two periods have passed without a reset, the pattern has ended.
constexpr double kOverduePeriods = 2;

struct Tooth {
  double start_s = 0;
  double end_s = 0;
  double peak = 0;
};

// Walks the envelope's values in the order they came (within a bucket: low then high if it
// ended nearer its high), cutting teeth at each reset. A tooth whose rise and reset share a
// bucket or two is churn the buckets cannot resolve, not a rebuild, and is not cut.
class ToothCutter {
 public:
  ToothCutter(double near_lowest, double tooth_top, double start_s)
      : near_lowest_(near_lowest), tooth_top_(tooth_top), current_{start_s, start_s, 0} {}

  void visit(double value, size_t bucket, double time_s) {
    if (value <= near_lowest_) {
      if (reached_top_ && left_lowest_in_ + 1 < bucket) {
        current_.end_s = time_s;
        teeth_.push_back(current_);
        current_ = {time_s, time_s, value};
      }
      reached_top_ = false;
      near_lowest_now_ = true;
      return;
    }
    if (near_lowest_now_) {
      near_lowest_now_ = false;
      left_lowest_in_ = bucket;
    }
    current_.peak = std::max(current_.peak, value);
    reached_top_ |= value >= tooth_top_;
  }

  const std::vector<Tooth>& teeth() const { return teeth_; }
  const Tooth& current() const { return current_; }

 private:
  double near_lowest_, tooth_top_;
  std::vector<Tooth> teeth_;
  Tooth current_;
  bool reached_top_ = false;
  bool near_lowest_now_ = true;
  size_t left_lowest_in_ = 0;
};

bool teeth_resolved(std::span<const EnvelopeBucket> buckets, double range) {
  std::vector<double> spans;
  for (const EnvelopeBucket& bucket : buckets) spans.push_back(bucket.high - bucket.low);
  return median_in_place(spans) <= kResolvedSpanOfRange * range;
}

bool outgrows(const Tooth& current, const std::vector<Tooth>& teeth, double tolerance) {
  double highest = 0;
  for (const Tooth& tooth : teeth) highest = std::max(highest, tooth.peak);
  return current.peak > highest + tolerance;
}

// A significant trend that also adds up: teeth equal but for rounding do not trend.
bool peaks_trend_up(const std::vector<Tooth>& teeth, double tolerance) {
  std::vector<double> peaks;
  for (const Tooth& tooth : teeth) peaks.push_back(tooth.peak);
  return mann_kendall_z(peaks) >= kOneSidedZ && peaks.back() - peaks.front() > tolerance;
}

}  // namespace

ResetPattern find_resets(std::span<const double> bounds_s, std::span<const EnvelopeBucket> buckets) {
  ResetPattern pattern;
  if (buckets.empty() || bounds_s.size() != buckets.size() + 1) return pattern;
  double lowest = buckets.front().low, top = buckets.front().high;
  for (const EnvelopeBucket& bucket : buckets) {
    lowest = std::min(lowest, bucket.low);
    top = std::max(top, bucket.high);
  }
  double range = top - lowest;
  if (range <= 0 || range < kRangeShareOfTop * top || !teeth_resolved(buckets, range)) return pattern;

  double near_lowest = lowest + kNearLowest * range;
  auto held = [&](const EnvelopeBucket& bucket) { return bucket.low > near_lowest; };
  if (double(std::count_if(buckets.begin(), buckets.end(), held)) < kHeldShareOfBuckets * double(buckets.size()))
    return pattern;

  ToothCutter cutter(near_lowest, lowest + kToothTop * range, bounds_s.front());
  for (size_t i = 0; i < buckets.size(); ++i) {
    const EnvelopeBucket& bucket = buckets[i];
    double middle_s = (bounds_s[i] + bounds_s[i + 1]) / 2;
    bool rose = bucket.high - bucket.last <= bucket.last - bucket.low;
    cutter.visit(rose ? bucket.low : bucket.high, i, middle_s);
    cutter.visit(rose ? bucket.high : bucket.low, i, middle_s);
  }
  const std::vector<Tooth>& teeth = cutter.teeth();
  pattern.resets = teeth.size();
  if (pattern.resets < kMinResets) return pattern;
  // From the first reset to the last: the first tooth may have begun before the recording.
  pattern.every_s = (teeth.back().end_s - teeth.front().end_s) / double(teeth.size() - 1);
  const Tooth& current = cutter.current();
  bool overdue = bounds_s.back() - current.start_s > kOverduePeriods * pattern.every_s;
  pattern.peaks_rise = !overdue && peaks_trend_up(teeth, kNearLowest * range);
  pattern.bounded = !overdue && !pattern.peaks_rise && !outgrows(current, teeth, kNearLowest * range);
  return pattern;
}

}  // namespace leakrank
