#pragma once
// Ranking, the statistics: does a site's live-bytes series keep growing to the end,
// or did it rise and then level off (a bounded cache), or go back down?
#include <cstdint>
#include <span>
#include <string_view>

namespace leakrank {

enum class Verdict { growing, plateau, freed, steady };
std::string_view to_string(Verdict verdict);

struct GrowthOptions {
  double min_growth_bytes = 64 * 1024;  // below this a rise is noise, not growth
};

struct GrowthAssessment {
  Verdict verdict = Verdict::steady;
  double slope_bytes_per_s = 0;  // robust (Theil-Sen) slope over the whole series
  double growth_bytes = 0;       // last value minus first value
  double peak_bytes = 0;         // highest value in the series
  double recent_slope_bytes_per_s = 0;  // Theil-Sen slope over the last third: the rate now
  double plateau_since_s = 0;    // plateau only: when the series first reached 90% of its level
  bool released_at_exit = false;  // judged before the run's final release, which freed most of it
};

// times_s and live_bytes have the same length (one entry per snapshot), times increasing.
GrowthAssessment assess_growth(std::span<const double> times_s, std::span<const double> live_bytes,
                               const GrowthOptions& options = {});

// For a run that ended in a release (analyzer/teardown.h): judged on the first `judged`
// points, the run before the release; the peak is the whole series'.
GrowthAssessment assess_growth_before_release(std::span<const double> times_s, std::span<const double> live_bytes,
                                              size_t judged, const GrowthOptions& options = {});

// Sort order of the report: growing sites first by growth, then plateau, steady, freed.
bool ranks_before(const GrowthAssessment& a, const GrowthAssessment& b);

}  // namespace leakrank
