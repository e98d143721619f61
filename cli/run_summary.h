#pragma once
// The short summary `run` (and `attach`) print when recording ends.
#include "recorder/recorder.h"

namespace leakrank::cli {

void print_run_summary(const RunOutcome& outcome);

}  // namespace leakrank::cli
