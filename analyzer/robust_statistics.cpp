#include "analyzer/robust_statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace leakrank {
namespace {

// Scales the median absolute deviation to a standard deviation for normal noise.
constexpr double kMadToSigma = 1.4826;

// Mann-Kendall S: rising pairs minus falling pairs.
double mann_kendall_s(std::span<const double> values) {
  long long s = 0;
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = i + 1; j < values.size(); ++j) s += (values[j] > values[i]) - (values[j] < values[i]);
  return static_cast<double>(s);
}

// Variance of S under "no trend", corrected for runs of equal values (flat stretches are common).
double mann_kendall_variance(std::span<const double> values) {
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

}  // namespace

double median_in_place(std::span<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

double median(std::span<const double> values) {
  std::vector<double> copy(values.begin(), values.end());
  return median_in_place(copy);
}

// Each slope spans half the run or more, so churn barely moves it, and sawtooth teeth
// (all-rising short pairs) cannot bias the median. A quarter of the pairs: cheap enough for
// every site of a recording.
double half_run_slope(std::span<const double> times, std::span<const double> values) {
  const size_t half = values.size() / 2;
  std::vector<double> slopes;
  slopes.reserve((values.size() - half) * (values.size() - half + 1) / 2);
  for (size_t i = 0; i + half < values.size(); ++i)
    for (size_t j = i + std::max<size_t>(half, 1); j < values.size(); ++j)
      if (times[j] > times[i]) slopes.push_back((values[j] - values[i]) / (times[j] - times[i]));
  return median_in_place(slopes);
}

double step_sigma(std::span<const double> values) {
  if (values.size() < 2) return 0;
  std::vector<double> steps(values.size() - 1);
  for (size_t i = 0; i + 1 < values.size(); ++i) steps[i] = values[i + 1] - values[i];
  const double center = median(steps);
  for (double& step : steps) step = std::abs(step - center);
  return kMadToSigma * median_in_place(steps) / std::sqrt(2.0);
}

double residual_sigma(std::span<const double> times, std::span<const double> values, double slope) {
  std::vector<double> residuals(values.size());
  for (size_t i = 0; i < values.size(); ++i) residuals[i] = values[i] - slope * times[i];
  const double center = median(residuals);
  for (double& residual : residuals) residual = std::abs(residual - center);
  return kMadToSigma * median_in_place(residuals);
}

double mann_kendall_z(std::span<const double> values) {
  const double s = mann_kendall_s(values);
  const double variance = mann_kendall_variance(values);
  if (s == 0 || variance <= 0) return 0;
  return (s - std::copysign(1.0, s)) / std::sqrt(variance);
}

// The binomial tail, summed in logarithms so that a few hundred tosses do not underflow.
double sign_test_p(size_t rises, size_t falls) {
  const double tosses = double(rises + falls);
  double p = 0;
  for (size_t k = rises; k <= rises + falls; ++k) {
    double ways = std::lgamma(tosses + 1) - std::lgamma(double(k) + 1) - std::lgamma(tosses - double(k) + 1);
    p += std::exp(ways - tosses * std::log(2.0));
  }
  return std::min(p, 1.0);
}

}  // namespace leakrank
