#pragma once
// Options that every verb reading recordings shares, declared once.
#include <CLI/CLI.hpp>

#include "analyzer/analysis.h"
#include "analyzer/recording_selection.h"
#include "cli/choice_option.h"
#include "cli/value_checks.h"

namespace leakrank::cli {

// FILE@TIME (parse_recording_ref): the analysis ends at that instant, or at the end.
inline void end_at(AnalysisOptions& options, const RecordingInstant& instant) {
  options.until_s = instant.time_s;
  options.until_snapshot = instant.snapshot;
}

inline CLI::Option* add_group_by_option(CLI::App& verb, GroupBy& group_by) {
  return add_choice_option(verb, "--group-by", group_by,
                           Choices<GroupBy>{
                               {"function", GroupBy::function}, {"line", GroupBy::line}, {"stack", GroupBy::stack}},
                           "Site identity: function, line (default), or stack");
}

inline CLI::Option* add_top_option(CLI::App& verb, size_t& top, const std::string& description) {
  return verb.add_option("--top", top, description)->capture_default_str()->check(whole_number_in(0, 1'000'000));
}

}  // namespace leakrank::cli
