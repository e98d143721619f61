// leakrank plot [FILE...]: memory over time as a PNG or SVG chart (leakrank's `mprof plot`):
// RSS, heap and peak, the sites that rose, one colour per compared run.
#include <dlfcn.h>
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "analyzer/plot_builder.h"
#include "analyzer/recording_selection.h"
#include "cli/analysis_options.h"
#include "cli/analysis_warnings.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"
#include "recorder/installed_library.h"

namespace leakrank::cli {
namespace {

struct PlotArguments {
  std::vector<std::string> files;
  std::string output;
  std::string title;
  size_t top = 5;
  std::string window;
  std::string size = "1200x720";
  bool slope = false;
  WrapperArguments wrappers;
  DebugInfoArguments debug_info;
};

PlotOptions plot_options(const PlotArguments& args) {
  PlotOptions options{.title = args.title, .top_sites = args.top, .show_slope = args.slope};
  if (!args.window.empty()) options.window = parse_plot_window(args.window);
  std::tie(options.width, options.height) = parse_plot_size(args.size);
  return options;
}

// Next to the first recording: t.lrk -> t.png; compared runs: a-vs-b.png.
std::string default_output(const std::vector<std::string>& recordings) {
  std::string stem;
  for (const std::string& path : recordings)
    stem += (stem.empty() ? "" : "-vs-") + std::filesystem::path(path).stem().string();
  return (std::filesystem::path(recordings.front()).parent_path() / (stem + ".png")).string();
}

// Loaded only here: cairo is the heaviest of leakrank's libraries and no other verb draws.
void render_with_plot_library(const PlotSpec& spec, const std::string& output) {
  std::optional<std::string> found = find_installed_library("libleakrank-plot.so");
  if (!found) throw std::runtime_error("libleakrank-plot.so not found next to the leakrank binary or in ../lib/leakrank");
  const std::string& path = *found;
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) throw std::runtime_error(fmt::format("cannot load {}: {}", path, dlerror()));
  auto* render = reinterpret_cast<RenderPlotFunction*>(dlsym(library, "leakrank_render_plot"));
  if (render == nullptr) throw std::runtime_error(fmt::format("{} has no leakrank_render_plot", path));
  render(spec, output);
}

int plot_verb(const PlotArguments& args) {
  const PlotOptions options = plot_options(args);  // bad arguments fail before the slow part
  std::vector<std::string> recordings;
  std::vector<RecordedRun> runs;
  for (const std::string& file : args.files.empty() ? std::vector<std::string>{""} : args.files) {
    const RecordingRef ref = parse_recording_ref(file);  // FILE@TIME: the chart ends at TIME
    AnalysisOptions analysis;
    analysis.symbolizer.runtime_debug_info = false;  // a plot names sites, never shows stacks
    add_wrappers(analysis, args.wrappers);
    add_debug_info(analysis, args.debug_info);
    end_at(analysis, ref.instant);
    recordings.push_back(ref.path);
    runs.push_back(analyze_run(ref.path, analysis));
  }
  const std::string output = args.output.empty() ? default_output(recordings) : args.output;
  render_with_plot_library(build_plot(runs, options), output);
  for (const RecordedRun& run : runs) print_analysis_warnings(run.process.warnings);
  fmt::print("{}\n", output);
  return 0;
}

}  // namespace

void register_plot(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PlotArguments>();
  CLI::App* plot = app.add_subcommand("plot", "Chart memory over time: RSS, heap, peak and the sites that rose");
  plot->add_option("FILE", args->files,
                   "Recordings, list numbers or FILE@TIME (default: the newest); several are overlaid for comparison");
  plot->add_option("-o,--output", args->output, "OUT.png or OUT.svg (default: the recording's name with .png)")
      ->type_name("FILE");
  plot->add_option("--title", args->title, "Chart title (default: the recorded command)");
  add_top_option(*plot, args->top, "Rising sites drawn per recording");
  plot->add_option("--window", args->window, "Show only X0,X1 seconds, e.g. 2,10")->check(parsed_by(parse_plot_window));
  plot->add_option("--size", args->size, "WIDTHxHEIGHT in pixels (points for SVG)")
      ->capture_default_str()->check(parsed_by(parse_plot_size));
  plot->add_flag("--slope", args->slope, "Append each series' trend (least squares, per second) to the legend");
  add_wrapper_options(*plot, args->wrappers);
  add_debug_info_options(*plot, args->debug_info);
  plot->callback([args, &exit_code] { exit_code = plot_verb(*args); });
}

}  // namespace leakrank::cli
