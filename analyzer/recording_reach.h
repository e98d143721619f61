#pragma once
// Whether an analysis read its recording as far as the instant a command asked for. A file
// cut short (a full disk, a killed recorder, a copy taken mid-run) or a time past its end
// would otherwise stand for a state that was never recorded, and a CI gate would pass on it.
#include <string_view>

#include "analyzer/analysis.h"
#include "analyzer/recording_selection.h"

namespace leakrank {

// Throws RecordingError, one line starting with label, unless the readable records reach
// the instant: its end needs the whole recording (an end record, no damaged block), a time
// needs records up to that time, and a snapshot name was reached if the analysis found it.
void require_recorded_until(const Analysis& analysis, const RecordingInstant& instant, std::string_view label);

}  // namespace leakrank
