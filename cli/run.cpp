// leakrank run [options] [--] CMD ARGS...: record a command from start to exit.
#include <fmt/core.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "analyzer/byte_size.h"
#include "cli/choice_option.h"
#include "cli/command_search.h"
#include "cli/output_file.h"
#include "cli/recording_options.h"
#include "cli/run_summary.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"
#include "recorder/recorder.h"

namespace leakrank::cli {
namespace {

struct RunArguments {
  RunOptions options;
  std::string sample_bytes;
  std::string rss_threshold;
  double snapshot_every = 0;
  bool force = false;
  bool quiet = false;
  WrapperArguments wrappers;  // for the summary's sites
};

// Before the recording exists, so that a command that cannot start leaves no empty one.
void check_command(const std::string& program) {
  if (int error = command_error(program))
    throw CommandError(fmt::format("cannot run {}: {}", program, std::strerror(error)),
                       exit_code_for_command_error(error));
}

int run_verb(RunArguments& args) {
  RunOptions& options = args.options;
  check_command(options.command.front());
  check_recording_output(options.output, args.force);
  if (!args.sample_bytes.empty()) options.sample_bytes = parse_byte_size(args.sample_bytes);
  if (!args.rss_threshold.empty()) options.rss_threshold = parse_byte_size(args.rss_threshold);
  if (args.snapshot_every > 0) options.snapshot_every_s = args.snapshot_every;
  SummaryAnalysis summary(args.wrappers);
  if (!args.quiet)  // quiet: no summary to make
    options.follow_target = [&summary](const std::string& path) { return summary.follow(path); };
  RunOutcome outcome = run_and_record(options);
  if (!args.quiet) print_run_summary(outcome, summary);
  return outcome.exit_code;
}

}  // namespace

void register_run(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* run = app.add_subcommand("run", "Run a command and record every allocation with its stack");
  add_recording_options(*run, args->options.output, args->force, args->options.interval_s, args->options.max_depth);
  run->add_option("--snapshot-every", args->snapshot_every, "Seconds between snapshot marks (default: adaptive)")
      ->check(number_in(0.01, 86400));
  run->add_flag("--include-children", args->options.include_children,
                "Record forked and exec'd descendants too, each into its own file");
  add_sampling_option(*run, args->sample_bytes);
  run->add_option("--rss-threshold", args->rss_threshold, "Act when the target's RSS crosses SIZE")
      ->check(parsed_by(parse_byte_size));
  add_choice_option(*run, "--on-threshold", args->options.on_threshold,
                    Choices<ThresholdAction>{{"snapshot", ThresholdAction::snapshot}, {"stop", ThresholdAction::stop}},
                    "snapshot (default): mark a snapshot; stop: SIGSTOP the target");
  add_wrapper_options(*run, args->wrappers);
  add_quiet_option(*run, args->quiet);
  run->add_option("CMD", args->options.command,
                  "The command to record and its arguments: options end where it starts (or at --)")
      ->required();
  run->callback([args, &exit_code] { exit_code = run_verb(*args); });
}

}  // namespace leakrank::cli
