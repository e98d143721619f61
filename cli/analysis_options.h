#pragma once
// Options that every verb reading recordings shares, declared once.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "analyzer/analysis.h"
#include "analyzer/recording_selection.h"
#include "analyzer/wrapper_patterns.h"
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

// --wrapper REGEX and --wrappers-from FILE, on every verb that names sites.
struct WrapperArguments {
  std::vector<std::string> patterns;
  std::vector<std::string> files;
};

inline void add_wrapper_options(CLI::App& verb, WrapperArguments& wrappers) {
  verb.add_option("--wrapper", wrappers.patterns,
                  "Functions that allocate for their callers, so their callers are the sites: a regular "
                  "expression matching a whole name, not a part, brief (Pool::take) or as reports show it; "
                  "repeatable")
      ->type_name("REGEX")
      ->allow_extra_args(false)
      ->check(parsed_by(check_wrapper_pattern));
  verb.add_option("--wrappers-from", wrappers.files, "A file of --wrapper expressions, one a line; # starts a comment")
      ->type_name("FILE")
      ->allow_extra_args(false)
      ->check(parsed_by([](const std::string& path) { read_wrapper_patterns(path); }));
}

// The patterns of --wrapper and of every --wrappers-from file, in AnalysisOptions::wrappers.
inline void add_wrappers(AnalysisOptions& options, const WrapperArguments& wrappers) {
  options.wrappers.insert(options.wrappers.end(), wrappers.patterns.begin(), wrappers.patterns.end());
  for (const std::string& file : wrappers.files) {
    std::vector<std::string> patterns = read_wrapper_patterns(file);
    options.wrappers.insert(options.wrappers.end(), patterns.begin(), patterns.end());
  }
}

// --debug-dir DIR and --debug-dirs-only: where separate debug information is looked for, on
// every verb that symbolizes.
struct DebugInfoArguments {
  std::vector<std::string> dirs;
  bool dirs_only = false;
};

inline void add_debug_info_options(CLI::App& verb, DebugInfoArguments& debug_info) {
  verb.add_option("--debug-dir", debug_info.dirs,
                  "Folder with separate debug info (a .build-id tree, or files at the binaries' paths), "
                  "searched before /usr/lib/debug; repeatable")
      ->type_name("DIR")
      ->allow_extra_args(false);
  verb.add_flag("--debug-dirs-only", debug_info.dirs_only,
                "Search only the --debug-dir folders: not /usr/lib/debug nor the binaries' folders (with no "
                "--debug-dir, symbols as if no debug package were installed)");
}

inline void add_debug_info(AnalysisOptions& options, const DebugInfoArguments& debug_info) {
  options.symbolizer.debug_dirs = debug_info.dirs;
  options.symbolizer.default_debug_dirs = !debug_info.dirs_only;
}

}  // namespace leakrank::cli
