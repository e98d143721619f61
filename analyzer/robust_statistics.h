#pragma once
// The statistics the growth verdicts rest on: robust to outliers (medians, Theil-Sen) and
// free of assumptions about the noise (rank and sign tests), since memory series are anything
// but normal.
#include <span>

namespace leakrank {

// The level of every test: one-sided, alpha = 0.01. With ~100k sites a looser level flags
// noisy ones.
constexpr double kOneSidedAlpha = 0.01;
constexpr double kOneSidedZ = 2.326;  // the normal score at that level

// Median of values, reordering them; the mean of the two middle ones for an even count.
double median_in_place(std::span<double> values);
double median(std::span<const double> values);

// Theil-Sen slope over the pairs at least half the span apart.
double half_run_slope(std::span<const double> times, std::span<const double> values);

// Robust noise level from successive differences: blind to a trend, which only shifts them.
double step_sigma(std::span<const double> values);

// Robust noise level around a line of the given slope.
double residual_sigma(std::span<const double> times, std::span<const double> values, double slope);

// Normal score of the Mann-Kendall trend test, with continuity correction; positive: rising.
double mann_kendall_z(std::span<const double> values);

// One-sided sign test: how likely `rises` or more of `rises + falls` coin tosses come up rises.
double sign_test_p(size_t rises, size_t falls);

}  // namespace leakrank
