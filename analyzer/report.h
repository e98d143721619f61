#pragma once
// `leakrank report`: an analysis rendered for people (a ranked table) or for CI (JSON).
#include <cstddef>
#include <span>
#include <string>

#include "analyzer/analysis.h"

namespace leakrank {

struct ReportOptions {
  size_t top = 10;           // sites shown; 0: every site
  bool color = false;        // ANSI colour: only for a terminal, and not when NO_COLOR is set
  bool keep_frames = false;  // --keep-frames: stacks list runtime frames one by one
  size_t columns = 80;       // the text's width: names are shortened and lines wrapped to it
  std::string working_dir;   // source paths under it are shown relative to it; "": none
};

// Header (command, duration, peaks, totals), the ranked sites, the top stacks, the bounded
// sites in brief, and the next command to run.
std::string render_report_text(const Analysis& analysis, const ReportOptions& options = {});

// The stable JSON of docs/design.md ("report --format json"), plus "estimated", "complete"
// and "warnings"; with descendants (run --include-children), a "children" array of
// reports shaped like the top-level one, each with "started_s": when it began, in seconds
// into the parent's recording (its own "duration_s" and times count from there).
std::string render_report_json(const Analysis& analysis, const ReportOptions& options = {},
                               std::span<const Analysis> children = {});

}  // namespace leakrank
