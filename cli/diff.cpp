// leakrank diff BASE NEW: what grew between two recordings or two instants of one, and a
// CI gate (--fail-on-growth) that fails when a site grew too much.
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include <memory>
#include <optional>

#include "analyzer/analysis.h"
#include "analyzer/byte_size.h"
#include "analyzer/diff_render.h"
#include "analyzer/recording_diff.h"
#include "analyzer/recording_reach.h"
#include "analyzer/recording_selection.h"
#include "analyzer/suppressions.h"
#include "cli/analysis_options.h"
#include "cli/choice_option.h"
#include "cli/terminal.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"

namespace leakrank::cli {
namespace {

constexpr int kExitGrowth = 1;

struct DiffArguments {
  std::string base;
  std::string now;
  std::optional<uint64_t> fail_on_growth;  // bytes; set only by a valid --fail-on-growth
  std::string suppressions;
  DiffFormat format = DiffFormat::text;
  GroupBy group_by = GroupBy::line;
  size_t top = 20;
  WrapperArguments wrappers;
  DebugInfoArguments debug_info;
};

struct Side {
  std::string label;  // the file, with the instant when one was asked for: run.lrk@30s
  Analysis analysis;
};

// FILE, a list number, or FILE@TIME: the live heap at that instant, which the recording
// must reach (a truncated NEW or a time past the end would compare a state never recorded).
Side analyze_argument(const std::string& argument, const DiffArguments& args) {
  const RecordingRef ref = parse_recording_ref(argument);
  AnalysisOptions options;
  options.group_by = args.group_by;
  add_wrappers(options, args.wrappers);
  add_debug_info(options, args.debug_info);
  options.symbolizer.runtime_debug_info = false;  // a diff shows sites, never stacks
  end_at(options, ref.instant);
  const bool at_instant = ref.instant.time_s || ref.instant.snapshot;
  std::string label = at_instant ? ref.path + argument.substr(argument.rfind('@')) : ref.path;
  Analysis analysis = analyze_recording(ref.path, options);
  require_recorded_until(analysis, ref.instant, label);
  return {std::move(label), std::move(analysis)};
}

void print_gate_failures(const std::vector<const SiteDiff*>& failed, uint64_t threshold) {
  for (const SiteDiff* site : failed) {
    fmt::print(stderr, "leakrank: {} grew by {}, more than --fail-on-growth {}\n", site_label(*site),
               format_bytes(static_cast<double>(site->size_diff)), format_bytes(static_cast<double>(threshold)));
  }
}

int diff_verb(const DiffArguments& args) {
  DiffRenderOptions render{.top = args.top,
                           .fail_on_growth_bytes = args.fail_on_growth,
                           .columns = output_columns(STDOUT_FILENO),
                           .working_dir = std::filesystem::current_path().string()};
  const Suppressions suppressions = args.suppressions.empty() ? Suppressions() : load_suppressions(args.suppressions);
  const Side base = analyze_argument(args.base, args);
  const Side now = analyze_argument(args.now, args);
  RecordingDiff diff = diff_analyses(base.analysis, now.analysis, suppressions, args.group_by);
  diff.base_label = base.label;
  diff.new_label = now.label;
  fmt::print("{}", render_diff(diff, args.format, render));
  if (!render.fail_on_growth_bytes) return 0;
  const auto failed = sites_growing_over(diff, *render.fail_on_growth_bytes);
  // The text table lists them already; JSON and markdown usually go to a file, so say it here.
  if (args.format != DiffFormat::text) print_gate_failures(failed, *render.fail_on_growth_bytes);
  return failed.empty() ? 0 : kExitGrowth;
}

}  // namespace

void register_diff(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DiffArguments>();
  CLI::App* diff = app.add_subcommand("diff", "Compare two recordings, or two instants of one, site by site");
  diff->add_option("BASE", args->base, "Recording to compare against: FILE, a list number, or FILE@TIME "
                                       "(TIME: 30s, end, or a snapshot name)")->required();
  diff->add_option("NEW", args->now, "Recording to compare, same forms as BASE")->required();
  // Parsed when given, so no value (not even an empty one) can leave the gate off.
  diff->add_option_function<std::string>(
          "--fail-on-growth", [args](const std::string& size) { args->fail_on_growth = parse_byte_size(size); },
          "Exit 1 when a site's live bytes grew by more than SIZE (e.g. 10MiB)")
      ->check(parsed_by(parse_byte_size));
  add_choice_option(*diff, "--format", args->format,
                    Choices<DiffFormat>{
                        {"text", DiffFormat::text}, {"json", DiffFormat::json}, {"markdown", DiffFormat::markdown}},
                    "text (default), json, or markdown (for a CI job summary)");
  diff->add_option("--suppressions", args->suppressions,
                   "LeakSanitizer-style file of leak:PATTERN lines: matching sites are left out")
      ->type_name("FILE");
  add_group_by_option(*diff, args->group_by);
  add_top_option(*diff, args->top, "Sites shown (0: all)");
  add_wrapper_options(*diff, args->wrappers);
  add_debug_info_options(*diff, args->debug_info);
  diff->callback([args, &exit_code] { exit_code = diff_verb(*args); });
}

}  // namespace leakrank::cli
