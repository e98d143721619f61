#pragma once
// A site that is emptied and built again and again has a sawtooth for a series: the usual fix
// for a table that only grows is to rebuild it every so often. Such a site is bounded however
// its last tooth ends, and judged on its last phase it would read as growing (mid-tooth) or
// freed (just after a reset). Found here from the envelope, teeth and all.
#include <cstddef>
#include <span>

#include "analyzer/series_envelope.h"

namespace leakrank {

struct ResetPattern {
  size_t resets = 0;    // falls back to near its lowest level from at least halfway to its top
  double every_s = 0;   // the average time from one reset to the next
  bool bounded = false; // resets keep coming, and the teeth neither trend up nor outgrow the others
  bool peaks_rise = false;  // resets keep coming but each tooth tops the last: what it rebuilds grows
};

// bucket i spans bounds_s[i] to bounds_s[i + 1].
ResetPattern find_resets(std::span<const double> bounds_s, std::span<const EnvelopeBucket> buckets);

}  // namespace leakrank
