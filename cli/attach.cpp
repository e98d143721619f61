// leakrank attach PID [--duration SEC] [-o FILE]: record a process that is already running,
// then leave it running as it was.
#include <memory>

#include "cli/output_file.h"
#include "cli/recording_options.h"
#include "cli/run_summary.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"
#include "recorder/attach_recorder.h"

namespace leakrank::cli {
namespace {

struct AttachArguments {
  AttachOptions options;
  double duration = 0;
  std::string sample_bytes;
  bool force = false;
  bool quiet = false;
  WrapperArguments wrappers;  // for the summary's sites
};

int attach_verb(AttachArguments& args) {
  check_recording_output(args.options.output, args.force);
  if (args.duration > 0) args.options.duration_s = args.duration;
  if (!args.sample_bytes.empty()) args.options.sample_bytes = parse_byte_size(args.sample_bytes);
  RunOutcome outcome = attach_and_record(args.options);
  SummaryAnalysis summary(args.wrappers);
  if (!args.quiet) print_run_summary(outcome, summary);
  return outcome.exit_code;
}

}  // namespace

void register_attach(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AttachArguments>();
  CLI::App* attach = app.add_subcommand(
      "attach", "Record a running process until --duration, Ctrl-C or SIGTERM; it keeps running afterwards");
  attach->add_option("PID", args->options.pid, "The process to record")->required()->check(whole_number_in(1, kMaxPid));
  attach->add_option("--duration", args->duration, "Seconds to record (default: until Ctrl-C or SIGTERM)")
      ->check(number_in(0.001, 31536000));
  add_recording_options(*attach, args->options.output, args->force, args->options.interval_s, args->options.max_depth);
  add_sampling_option(*attach, args->sample_bytes);
  add_wrapper_options(*attach, args->wrappers);
  add_quiet_option(*attach, args->quiet);
  attach->callback([args, &exit_code] { exit_code = attach_verb(*args); });
}

}  // namespace leakrank::cli
