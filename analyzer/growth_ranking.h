#pragma once
// Ranking, the statistics: does a site's live-bytes series keep growing to the end, or did it
// rise and then level off (a bounded cache), or keep being rebuilt (bounded, with resets), or
// go back down? Judged on the series' envelope (analyzer/series_envelope.h): what the site
// held at least (its troughs) and at most (its peaks) over time, not on whichever phase the
// last snapshot happened to catch.
#include <cstdint>
#include <span>
#include <string_view>

#include "analyzer/series_envelope.h"

namespace leakrank {

// too_short: it rose and was still rising at the end, in too few steps to tell a leak from a
// structure filling up; a longer recording would tell.
enum class Verdict { growing, too_short, plateau, freed, steady };
std::string_view to_string(Verdict verdict);
// The site rose to a material level: still rising (growing, too_short) or bounded (plateau).
bool rose(Verdict verdict);

struct GrowthOptions {
  // The recording's peak heap: a rise is material when it reaches a thousandth of it, so the
  // bar rises with the program and a slow leak counts once the run is long enough for it to
  // add up. 0: the site's own peak stands in.
  double heap_peak_bytes = 0;
};

struct GrowthAssessment {
  Verdict verdict = Verdict::steady;
  double slope_bytes_per_s = 0;  // robust (Theil-Sen) slope of what the site held, over the whole series
  double growth_bytes = 0;       // last value minus first value
  double peak_bytes = 0;         // highest value in the series
  double recent_slope_bytes_per_s = 0;  // the same over the last third: the rate now
  double plateau_since_s = 0;    // plateau without resets: when the series first reached 90% of its level
  double resets_every_s = 0;     // plateau only: the site is emptied and rebuilt this often (0: it is not)
  bool released_at_exit = false;  // judged before the run's final release, which freed most of it
};

// A site's series: bucket i spans bounds_s[i] to bounds_s[i + 1]; start_bytes is its value at
// bounds_s.front().
struct LiveHistory {
  std::span<const double> bounds_s;
  std::span<const EnvelopeBucket> buckets;
  double start_bytes = 0;
};

GrowthAssessment assess_growth(const LiveHistory& history, const GrowthOptions& options = {});

// For a run that ended in a release (analyzer/teardown.h): judged on the first `judged`
// buckets, the run before the release; the peak is the whole series'.
GrowthAssessment assess_growth_before_release(const LiveHistory& history, size_t judged,
                                              const GrowthOptions& options = {});

// A series known only at a few instants, taken to move straight from one to the next:
// times_s and live_bytes have the same length, times increasing.
GrowthAssessment assess_growth(std::span<const double> times_s, std::span<const double> live_bytes,
                               const GrowthOptions& options = {});

// Sort order of the report: growing sites first by growth, then too short to tell, plateau,
// steady, freed.
bool ranks_before(const GrowthAssessment& a, const GrowthAssessment& b);

}  // namespace leakrank
