#include "analyzer/growth_ranking.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

namespace leakrank {
namespace {

// The tail — the last third of the run — is where "still rising" vs "levelled off" is decided.
constexpr double kTailFraction = 1.0 / 3.0;
constexpr size_t kMinTailPoints = 5;  // short series: fewer points leave the tail slope to chance
// A tail rising at under a quarter of the run's average rate has levelled off: sub-linear
// stores (Heaps' law n^0.6 rises at ~0.65 of its average over the last third) stay growing.
constexpr double kStillRisingRateRatio = 0.25;
// One-sided Mann-Kendall at alpha = 0.01: with ~100k sites a looser level flags noisy ones.
constexpr double kTrendZ = 2.326;
// An end level this many robust sigmas of the run's noise above the start is a real rise, even
// when the trend test cannot see it (a cache filled in the first few snapshots, flat after).
constexpr double kLevelShiftSigmas = 3.0;
// "Back to near zero": the end holds at most this share of the peak.
constexpr double kFreedShareOfPeak = 0.1;
// A plateau begins where the series first reaches this share of its rise.
constexpr double kPlateauReachedShare = 0.9;
// Scales the median absolute deviation to a standard deviation for normal noise.
constexpr double kMadToSigma = 1.4826;

using Series = std::span<const double>;

// Median of values, reordering them; the mean of the two middle ones for an even count.
double median_in_place(std::span<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

double median(Series values) {
  std::vector<double> copy(values.begin(), values.end());
  return median_in_place(copy);
}

// Theil-Sen over the pairs at least half the span apart: each slope spans half of it or more, so
// churn barely moves it, and sawtooth teeth (all-rising short pairs) cannot bias the median.
// A quarter of the pairs: cheap enough for every site of a recording.
double half_run_slope(Series times, Series values) {
  const size_t half = values.size() / 2;
  std::vector<double> slopes;
  slopes.reserve((values.size() - half) * (values.size() - half + 1) / 2);
  for (size_t i = 0; i + half < values.size(); ++i)
    for (size_t j = i + std::max<size_t>(half, 1); j < values.size(); ++j)
      slopes.push_back((values[j] - values[i]) / (times[j] - times[i]));
  return median_in_place(slopes);
}

// Robust noise level from successive differences: blind to the trend, which only shifts them.
double step_sigma(Series values) {
  std::vector<double> steps(values.size() - 1);
  for (size_t i = 0; i + 1 < values.size(); ++i) steps[i] = values[i + 1] - values[i];
  const double center = median(steps);
  for (double& step : steps) step = std::abs(step - center);
  return kMadToSigma * median_in_place(steps) / std::sqrt(2.0);
}

// Robust noise level around a line: scaled median absolute deviation of the residuals.
double residual_sigma(Series times, Series values, double slope) {
  std::vector<double> residuals(values.size());
  for (size_t i = 0; i < values.size(); ++i) residuals[i] = values[i] - slope * times[i];
  const double center = median(residuals);
  for (double& residual : residuals) residual = std::abs(residual - center);
  return kMadToSigma * median_in_place(residuals);
}

// Mann-Kendall S: rising pairs minus falling pairs.
double mann_kendall_s(Series values) {
  long long s = 0;
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = i + 1; j < values.size(); ++j) s += (values[j] > values[i]) - (values[j] < values[i]);
  return static_cast<double>(s);
}

// Variance of S under "no trend", corrected for runs of equal values (flat stretches are common).
double mann_kendall_variance(Series values) {
  auto term = [](double count) { return count * (count - 1) * (2 * count + 5); };
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double variance = term(static_cast<double>(sorted.size()));
  for (auto run = sorted.begin(); run != sorted.end();) {
    const auto run_end = std::upper_bound(run, sorted.end(), *run);
    variance -= term(static_cast<double>(run_end - run));
    run = run_end;
  }
  return variance / 18;
}

// Normal score of the Mann-Kendall test, with continuity correction; positive means rising.
double mann_kendall_z(Series values) {
  const double s = mann_kendall_s(values);
  const double variance = mann_kendall_variance(values);
  if (s == 0 || variance <= 0) return 0;
  return (s - std::copysign(1.0, s)) / std::sqrt(variance);
}

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
         mann_kendall_z(values) >= kTrendZ;
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
