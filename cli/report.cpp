// leakrank report [FILE]: the allocation sites of one recording, ranked by how they grow.
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "analyzer/analysis.h"
#include "analyzer/recorded_run.h"
#include "analyzer/recording_selection.h"
#include "analyzer/report.h"
#include "cli/analysis_warnings.h"
#include "cli/analysis_options.h"
#include "cli/choice_option.h"
#include "cli/terminal.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"

namespace leakrank::cli {
namespace {

enum class ReportFormat { text, json };

struct ReportArguments {
  std::string file;
  size_t top = 10;
  GroupBy group_by = GroupBy::line;
  ReportFormat format = ReportFormat::text;
  std::string since;
  std::string until;
  bool keep_frames = false;
  DebugInfoArguments debug_info;
  WrapperArguments wrappers;
  ColorChoice color = ColorChoice::automatic;
};

AnalysisOptions analysis_options(const ReportArguments& args, const RecordingInstant& instant) {
  AnalysisOptions options;
  options.group_by = args.group_by;
  options.keep_frames = args.keep_frames;
  add_wrappers(options, args.wrappers);
  add_debug_info(options, args.debug_info);
  options.symbolizer.runtime_debug_info = args.keep_frames;  // else runtime frames are only counted
  if (!args.since.empty()) options.since_s = parse_duration_s(args.since);
  if (args.until.empty()) end_at(options, instant);
  else options.until_s = parse_duration_s(args.until);
  return options;
}

// Descendants recorded with run --include-children: a section each in text, and in JSON
// an extra "children" array of reports shaped like the top-level one.
std::string render_run(const RecordedRun& run, ReportFormat format, const ReportOptions& render) {
  if (format == ReportFormat::json) return render_report_json(run.process, render, run.children);
  std::string text = render_report_text(run.process, render);
  for (const Analysis& child : run.children)
    text += fmt::format("\n── child process {}, started {:.1f} s into the run ──\n{}", child.meta.pid,
                        start_in_parent_s(run.process.meta, child.meta), render_report_text(child, render));
  return text;
}

int report_verb(const ReportArguments& args) {
  RecordingRef ref = parse_recording_ref(args.file);
  RecordedRun run = analyze_run(ref.path, analysis_options(args, ref.instant));
  ReportOptions render{.top = args.top,
                       .color = wants_color(args.color, STDOUT_FILENO) && args.format == ReportFormat::text,
                       .keep_frames = args.keep_frames,
                       .columns = output_columns(STDOUT_FILENO),
                       .working_dir = std::filesystem::current_path().string()};
  fmt::print("{}", render_run(run, args.format, render));
  std::fflush(stdout);
  print_analysis_warnings(run.process.warnings);
  return 0;
}

}  // namespace

void register_report(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArguments>();
  CLI::App* report = app.add_subcommand("report", "Rank a recording's allocation sites by how they grow");
  report->add_option("FILE", args->file,
                     "Recording (default: the newest here), a `leakrank list` number, or FILE@TIME "
                     "(TIME: 30s, end, or a snapshot name)");
  add_top_option(*report, args->top, "Sites shown (0: all)");
  add_group_by_option(*report, args->group_by);
  add_choice_option(*report, "--format", args->format,
                    Choices<ReportFormat>{{"text", ReportFormat::text}, {"json", ReportFormat::json}},
                    "text (default) or json (stable, for CI)");
  report->add_option("--since", args->since, "Measure growth from this time on (e.g. 30s, 2m)")
      ->check(parsed_by(parse_duration_s));
  report->add_option("--until", args->until, "Report the state at this time (e.g. 90s)")
      ->check(parsed_by(parse_duration_s));
  report->add_flag("--keep-frames", args->keep_frames,
                   "Let allocator, libc and libstdc++ frames name a site instead of skipping them, "
                   "and give them file:line when their debug info is installed");
  add_debug_info_options(*report, args->debug_info);
  add_wrapper_options(*report, args->wrappers);
  add_color_option(*report, args->color);
  report->callback([args, &exit_code] { exit_code = report_verb(*args); });
}

}  // namespace leakrank::cli
