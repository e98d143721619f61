#include "analyzer/growth_ranking.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "analyzer/robust_statistics.h"

namespace leakrank {
namespace {

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

// First index of the last third of the run's time, keeping enough points for robust statistics.
size_t tail_begin(Series times) {
  const double cutoff = times.back() - kTailFraction * (times.back() - times.front());
  const size_t by_time = static_cast<size_t>(std::lower_bound(times.begin(), times.end(), cutoff) - times.begin());
  const size_t by_count = times.size() > kMinTailPoints ? times.size() - kMinTailPoints : 0;
  return std::min(by_time, by_count);
}

bool ends_near_zero(double peak, double last, const GrowthOptions& options) {
  return peak - last >= options.min_growth_bytes && last <= kFreedShareOfPeak * peak;
}

double plateau_start_time(Series times, Series values, double end_level) {
  const double reached = values.front() + kPlateauReachedShare * (end_level - values.front());
  const auto it = std::find_if(values.begin(), values.end(), [&](double value) { return value >= reached; });
  return it == values.end() ? times.back() : times[static_cast<size_t>(it - values.begin())];
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
bool rose(Series values, const Tail& tail) {
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

Verdict classify(Series times, Series values, const GrowthAssessment& basics, const Tail& tail,
                 const GrowthOptions& options) {
  if (ends_near_zero(basics.peak_bytes, values.back(), options)) return Verdict::freed;
  if (basics.growth_bytes < options.min_growth_bytes) return Verdict::steady;
  // Too few points for a trend test: the rise from first to last is all the evidence there is.
  if (values.size() < 4) return Verdict::growing;
  if (!rose(values, tail)) return Verdict::steady;
  return still_rising(times, values, tail) ? Verdict::growing : Verdict::plateau;
}

// Position of a verdict in the report: what we hunt first, what was given back last.
int report_group(Verdict verdict) {
  switch (verdict) {
    case Verdict::growing: return 0;
    case Verdict::plateau: return 1;
    case Verdict::steady: return 2;
    case Verdict::freed: return 3;
  }
  return 2;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::growing: return "growing";
    case Verdict::plateau: return "plateau";
    case Verdict::freed: return "freed";
    case Verdict::steady: return "steady";
  }
  return "steady";
}

GrowthAssessment assess_growth(Series times_s, Series live_bytes, const GrowthOptions& options) {
  GrowthAssessment result;
  if (live_bytes.empty() || times_s.size() != live_bytes.size()) return result;
  result.growth_bytes = live_bytes.back() - live_bytes.front();
  result.peak_bytes = *std::max_element(live_bytes.begin(), live_bytes.end());
  if (live_bytes.size() < 2) return result;

  result.slope_bytes_per_s = half_run_slope(times_s, live_bytes);
  const Tail tail = describe_tail(times_s, live_bytes);
  result.recent_slope_bytes_per_s = tail.slope;
  result.verdict = classify(times_s, live_bytes, result, tail, options);
  if (result.verdict == Verdict::plateau) result.plateau_since_s = plateau_start_time(times_s, live_bytes, tail.level);
  return result;
}

GrowthAssessment assess_growth_before_release(Series times_s, Series live_bytes, size_t judged,
                                              const GrowthOptions& options) {
  if (judged < 2 || judged >= live_bytes.size() || times_s.size() != live_bytes.size())
    return assess_growth(times_s, live_bytes, options);
  GrowthAssessment result = assess_growth(times_s.first(judged), live_bytes.first(judged), options);
  result.peak_bytes = *std::max_element(live_bytes.begin(), live_bytes.end());
  result.released_at_exit = ends_near_zero(live_bytes[judged - 1], live_bytes.back(), options);
  return result;
}

bool ranks_before(const GrowthAssessment& a, const GrowthAssessment& b) {
  // Growing by growth then slope; the other verdicts by how much memory they held at their peak.
  auto key = [](const GrowthAssessment& g) {
    const bool growing = g.verdict == Verdict::growing;
    return std::tuple(report_group(g.verdict), -(growing ? g.growth_bytes : g.peak_bytes),
                      -(growing ? g.slope_bytes_per_s : 0.0));
  };
  return key(a) < key(b);
}

}  // namespace leakrank
