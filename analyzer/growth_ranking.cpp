#include "analyzer/growth_ranking.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "analyzer/reset_pattern.h"
#include "analyzer/robust_statistics.h"

namespace leakrank {
namespace {

// A rise under this share of the recording's peak heap cannot matter for its memory. It also
// caps how many sites can be called growing: no more than a thousand can each add this much.
constexpr double kMaterialShareOfHeap = 1e-3;
// The statistics work on at most this many windows of the envelope: the rank tests cost the
// square of the count, for every site of the recording.
constexpr size_t kMaxWindows = 64;
// Fewer windows leave no tail to judge the end of the run by.
constexpr size_t kMinWindows = 4;
// The tail — the last third of the run — is where "still rising" vs "levelled off" is decided.
constexpr double kTailFraction = 1.0 / 3.0;
constexpr size_t kMinTailPoints = 5;  // short series: fewer points leave the tail slope to chance
// A tail rising at under a quarter of the run's average rate has levelled off: sub-linear
// stores (Heaps' law n^0.6 rises at ~0.65 of its average over the last third) stay growing.
constexpr double kStillRisingRateRatio = 0.25;
// An end level this many robust sigmas of the run's noise above the start is a real rise, even
// when the trend test cannot see it (a cache filled in the first few snapshots, flat after).
constexpr double kLevelShiftSigmas = 3.0;
// "Back to near zero": the end holds at most this share of the peak.
constexpr double kFreedShareOfPeak = 0.1;
// A plateau begins where the series first reaches this share of its rise.
constexpr double kPlateauReachedShare = 0.9;

using Series = std::span<const double>;

// What the site held at least, window by window (each window a few buckets): a leak's troughs
// rise, a cache's level off, churn's stay put. Each low is placed at its window's start, where
// a rising series has it.
struct HeldSeries {
  std::vector<double> times_s;
  std::vector<double> bytes;
};

HeldSeries held_series(const LiveHistory& history) {
  HeldSeries held;
  const size_t count = history.buckets.size();
  const size_t windows = std::min(count, kMaxWindows);
  for (size_t w = 0; w < windows; ++w) {
    const size_t first = w * count / windows, end = (w + 1) * count / windows;
    double low = history.buckets[first].low;
    for (size_t i = first + 1; i < end; ++i) low = std::min(low, history.buckets[i].low);
    held.times_s.push_back(history.bounds_s[first]);
    held.bytes.push_back(low);
  }
  return held;
}

// First index of the last third of the run's time, keeping enough points for robust statistics.
size_t tail_begin(Series times) {
  const double cutoff = times.back() - kTailFraction * (times.back() - times.front());
  const size_t by_time = static_cast<size_t>(std::lower_bound(times.begin(), times.end(), cutoff) - times.begin());
  const size_t by_count = times.size() > kMinTailPoints ? times.size() - kMinTailPoints : 0;
  return std::min(by_time, by_count);
}

struct Tail {
  Series times, values;
  double slope = 0;  // half_run_slope
  double level = 0;  // median value
};

Tail describe_tail(Series times, Series values) {
  const size_t begin = tail_begin(times);
  Tail tail{times.subspan(begin), values.subspan(begin)};
  tail.slope = half_run_slope(tail.times, tail.values);
  tail.level = median(tail.values);
  return tail;
}

// Noise is the larger of the step-to-step jitter and the tail's scatter around its line: a
// slow sawtooth has tiny steps but a wide scatter.
double noise_level(Series values, const Tail& tail) {
  return std::max(step_sigma(values), residual_sigma(tail.times, tail.values, tail.slope));
}

// The run rose for real: an end level clear of the noise, or a significant monotonic trend
// (the cheap test first: 100k sites).
bool rose_for_real(Series values, const Tail& tail) {
  return tail.level - values.front() >= kLevelShiftSigmas * noise_level(values, tail) ||
         mann_kendall_z(values) >= kOneSidedZ;
}

// The run's average rate of rise, measured to the tail's median rather than the noisy last point.
double average_rate(Series times, Series values, const Tail& tail) {
  return (tail.level - values.front()) / (median(tail.times) - times.front());
}

// Still rising at the end: the tail climbs at a good share of the run's average rate.
bool still_rising(Series times, Series values, const Tail& tail) {
  return tail.slope >= kStillRisingRateRatio * average_rate(times, values, tail);
}

// Growth, not a fill-up caught half way: counted from where the series last stood at its
// starting level, it rose more often than it fell, beyond what chance gives. A structure that
// filled in a handful of big steps (a table doubling) cannot pass with so few.
bool rises_beyond_chance(Series values) {
  size_t from = 0;
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] <= values.front()) from = i;
  size_t rises = 0, falls = 0;
  for (size_t i = from + 1; i < values.size(); ++i) {
    rises += values[i] > values[i - 1];
    falls += values[i] < values[i - 1];
  }
  return sign_test_p(rises, falls) <= kOneSidedAlpha;
}

double plateau_start_time(Series times, Series values, double end_level) {
  const double reached = values.front() + kPlateauReachedShare * (end_level - values.front());
  const auto it = std::find_if(values.begin(), values.end(), [&](double value) { return value >= reached; });
  return it == values.end() ? times.back() : times[static_cast<size_t>(it - values.begin())];
}

// Too few windows for a robust slope: the rate from the first value to the last.
double end_to_end_rate(const LiveHistory& history, double growth_bytes) {
  const double span_s = history.bounds_s.back() - history.bounds_s.front();
  return span_s > 0 ? growth_bytes / span_s : 0;
}

double material_bytes(const GrowthAssessment& basics, const GrowthOptions& options) {
  return kMaterialShareOfHeap * (options.heap_peak_bytes > 0 ? options.heap_peak_bytes : basics.peak_bytes);
}

bool ends_near_zero(double peak, double last, double material) {
  return peak - last >= material && last <= kFreedShareOfPeak * peak;
}

// The verdict of a series that is not a reset pattern, from what it held window by window.
// Freed too: it gave back what it held for a while, or at the start of the window, not a
// peak of churn that happened to end low (with too few windows, the instants are all there is).
Verdict classify_held(const HeldSeries& held, const Tail& tail, const GrowthAssessment& basics, double start,
                      double last, double material) {
  if (held.bytes.size() < kMinWindows) {
    if (ends_near_zero(basics.peak_bytes, last, material)) return Verdict::freed;
    return basics.growth_bytes >= material ? Verdict::too_short : Verdict::steady;
  }
  double held_peak = std::max(start, *std::max_element(held.bytes.begin(), held.bytes.end()));
  if (ends_near_zero(held_peak, last, material)) return Verdict::freed;
  if (tail.level - held.bytes.front() < material) return Verdict::steady;
  if (!rose_for_real(held.bytes, tail)) return Verdict::steady;
  if (!still_rising(held.times_s, held.bytes, tail)) return Verdict::plateau;
  return rises_beyond_chance(held.bytes) ? Verdict::growing : Verdict::too_short;
}

// Position of a verdict in the report: what we hunt first, what was given back last.
int report_group(Verdict verdict) {
  switch (verdict) {
    case Verdict::growing: return 0;
    case Verdict::too_short: return 1;
    case Verdict::plateau: return 2;
    case Verdict::steady: return 3;
    case Verdict::freed: return 4;
  }
  return 3;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::growing: return "growing";
    case Verdict::too_short: return "too_short";
    case Verdict::plateau: return "plateau";
    case Verdict::freed: return "freed";
    case Verdict::steady: return "steady";
  }
  return "steady";
}

bool rose(Verdict verdict) {
  return verdict == Verdict::growing || verdict == Verdict::too_short || verdict == Verdict::plateau;
}

GrowthAssessment assess_growth(const LiveHistory& history, const GrowthOptions& options) {
  GrowthAssessment result;
  if (history.buckets.empty() || history.bounds_s.size() != history.buckets.size() + 1) return result;
  const double last = history.buckets.back().last;
  result.growth_bytes = last - history.start_bytes;
  result.peak_bytes = history.start_bytes;
  for (const EnvelopeBucket& bucket : history.buckets) result.peak_bytes = std::max(result.peak_bytes, bucket.high);

  const HeldSeries held = held_series(history);
  const Tail tail = describe_tail(held.times_s, held.bytes);
  result.slope_bytes_per_s = held.bytes.size() < kMinWindows ? end_to_end_rate(history, result.growth_bytes)
                                                              : half_run_slope(held.times_s, held.bytes);
  result.recent_slope_bytes_per_s = tail.slope;
  const double material = material_bytes(result, options);
  // A structure emptied and rebuilt: bounded whatever phase the run ended in, unless each
  // rebuild tops the last (troughs near nothing, but what it holds keeps growing).
  ResetPattern resets = find_resets(history.bounds_s, history.buckets);
  if ((resets.bounded || resets.peaks_rise) && result.peak_bytes >= material) {
    result.verdict = resets.bounded ? Verdict::plateau : Verdict::growing;
    result.resets_every_s = resets.bounded ? resets.every_s : 0;
    return result;
  }
  result.verdict = classify_held(held, tail, result, history.start_bytes, last, material);
  if (result.verdict == Verdict::plateau) result.plateau_since_s = plateau_start_time(held.times_s, held.bytes, tail.level);
  return result;
}

GrowthAssessment assess_growth_before_release(const LiveHistory& history, size_t judged, const GrowthOptions& options) {
  if (judged < 1 || judged >= history.buckets.size() || history.bounds_s.size() != history.buckets.size() + 1)
    return assess_growth(history, options);
  LiveHistory before{history.bounds_s.first(judged + 1), history.buckets.first(judged), history.start_bytes};
  GrowthAssessment result = assess_growth(before, options);
  for (const EnvelopeBucket& bucket : history.buckets) result.peak_bytes = std::max(result.peak_bytes, bucket.high);
  result.released_at_exit = ends_near_zero(history.buckets[judged - 1].last, history.buckets.back().last,
                                           material_bytes(result, options));
  return result;
}

// Between two instants the series moved straight from one value to the other.
GrowthAssessment assess_growth(Series times_s, Series live_bytes, const GrowthOptions& options) {
  if (live_bytes.empty() || times_s.size() != live_bytes.size()) return {};
  std::vector<double> bounds(times_s.begin(), times_s.end());
  std::vector<EnvelopeBucket> buckets;
  for (size_t i = 1; i < live_bytes.size(); ++i)
    buckets.push_back({std::min(live_bytes[i - 1], live_bytes[i]), std::max(live_bytes[i - 1], live_bytes[i]),
                       live_bytes[i]});
  if (buckets.empty()) {  // one instant: a bucket of no length
    bounds.push_back(times_s.front());
    buckets.push_back({live_bytes.front(), live_bytes.front(), live_bytes.front()});
  }
  return assess_growth({bounds, buckets, live_bytes.front()}, options);
}

bool ranks_before(const GrowthAssessment& a, const GrowthAssessment& b) {
  // Growing (and too short to tell) by growth then slope; the others by how much memory they
  // held at their peak.
  auto key = [](const GrowthAssessment& g) {
    const bool rising = g.verdict == Verdict::growing || g.verdict == Verdict::too_short;
    return std::tuple(report_group(g.verdict), -(rising ? g.growth_bytes : g.peak_bytes),
                      -(rising ? g.slope_bytes_per_s : 0.0));
  };
  return key(a) < key(b);
}

}  // namespace leakrank
