// leakrank export FILE --format folded|pprof|json -o OUT: hand a recording to other tools
// (flame graphs, pprof, scripts).
#include <memory>

#include "analyzer/analysis.h"
#include "analyzer/export.h"
#include "analyzer/recording_selection.h"
#include "analyzer/report.h"
#include "cli/analysis_options.h"
#include "cli/choice_option.h"
#include "cli/output_file.h"
#include "cli/verbs.h"

namespace leakrank::cli {
namespace {

enum class ExportFormat { folded, pprof, json };

struct ExportArguments {
  std::string file;
  ExportFormat format = ExportFormat::folded;
  std::string output;
  WrapperArguments wrappers;
  DebugInfoArguments debug_info;
};

std::string render(const Analysis& analysis, ExportFormat format) {
  switch (format) {
    case ExportFormat::pprof: return render_pprof(analysis);
    case ExportFormat::json: return render_report_json(analysis, {.top = 0});  // every site
    case ExportFormat::folded: break;
  }
  return render_folded(analysis);
}

int export_verb(const ExportArguments& args) {
  const RecordingRef ref = parse_recording_ref(args.file);
  AnalysisOptions options;
  end_at(options, ref.instant);
  add_wrappers(options, args.wrappers);
  add_debug_info(options, args.debug_info);
  options.collect_stacks = args.format != ExportFormat::json;
  write_output(args.output, render(analyze_recording(ref.path, options), args.format));
  return 0;
}

}  // namespace

void register_export(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExportArguments>();
  CLI::App* export_app = app.add_subcommand("export", "Write a recording for other tools: flame graphs, pprof, scripts");
  export_app->add_option("FILE", args->file, "Recording (default: the newest), a list number, or FILE@TIME");
  add_choice_option(*export_app, "--format", args->format,
                    Choices<ExportFormat>{
                        {"folded", ExportFormat::folded}, {"pprof", ExportFormat::pprof}, {"json", ExportFormat::json}},
                    "folded: one 'outer;...;inner BYTES' line per stack, BYTES live at the end (flamegraph.pl); "
                    "pprof: gzipped profile.proto, in-use and allocated space and objects; "
                    "json: the report's JSON")
      ->required();
  export_app->add_option("-o,--output", args->output, "Output file, - for standard output")
      ->type_name("FILE")
      ->required();
  add_wrapper_options(*export_app, args->wrappers);
  add_debug_info_options(*export_app, args->debug_info);
  export_app->callback([args, &exit_code] { exit_code = export_verb(*args); });
}

}  // namespace leakrank::cli
