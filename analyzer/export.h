#pragma once
// Hands an analysis to other tools (`leakrank export`). JSON export is the report's
// JSON (render_report_json in analyzer/report.h); the two stack formats live here.
#include <string>
#include <vector>

#include "analyzer/analysis.h"

namespace leakrank {

// The stacks to export: every stack when the analysis collected them
// (AnalysisOptions::collect_stacks), else each site's largest stack with the site's totals,
// made into from_sites. Collected stacks are not copied: they are most of an export's memory.
const StackSamples& export_stacks(const Analysis& analysis, StackSamples& from_sites);

// Brendan Gregg's folded stacks, for flamegraph.pl, inferno, speedscope: one line per
// stack, `outermost;...;innermost BYTES`, where BYTES are the stack's live (in-use) bytes at
// the end of the window. Stacks with nothing live are left out; identical lines are merged.
// Semicolons inside a frame name become ',' since ';' separates frames.
std::string render_folded(const Analysis& analysis);

// A gzip-compressed pprof profile (profile.proto) with sample types inuse_space/bytes,
// inuse_objects/count, alloc_space/bytes and alloc_objects/count, inuse_space by default.
// Inlined frames share one location; mappings come from the modules the frames name.
std::string render_pprof(const Analysis& analysis);

}  // namespace leakrank
