// The mprof-style housekeeping verbs: leakrank list, peak and clean.
#include <fmt/chrono.h>
#include <fmt/core.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <memory>
#include <vector>

#include "analyzer/byte_size.h"
#include "analyzer/plot_builder.h"
#include "analyzer/recording_selection.h"
#include "cli/verbs.h"
#include "recording/recording_reader.h"

namespace leakrank::cli {
namespace {
namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::string local_time(int64_t unix_ns) {
  std::time_t seconds = std::time_t(unix_ns / 1'000'000'000);
  std::tm local{};
  localtime_r(&seconds, &local);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", local);
}

// --- list ---

int list_verb() {
  const std::vector<fs::path> recordings = list_recordings(fs::current_path());
  if (recordings.empty()) fmt::print(stderr, "leakrank: no recordings (*.lrk) here\n");
  for (size_t index = 0; index < recordings.size(); ++index) {
    const std::string file = recordings[index].filename().string();
    try {
      RecordingMeta meta = read_recording_meta(recordings[index].string());
      fmt::print("{}  {}  {}  {}\n", index, file, local_time(meta.start_unix_ns), joined(meta.command));
    } catch (const std::exception& e) {
      fmt::print("{}  {}  (unreadable: {})\n", index, file, e.what());
    }
  }
  return 0;
}

// --- peak ---

void print_peak(const Analysis& process, std::string_view indent) {
  std::string program = process.meta.command.empty() ? "?" : fs::path(process.meta.command[0]).filename().string();
  fmt::print("{}{}  pid {} ({}): peak heap {} at {:.1f} s, peak RSS {}\n", indent, process.path, process.meta.pid,
             program, format_bytes(double(process.peak_heap_bytes)), process.peak_heap_time_s,
             format_bytes(double(process.peak_rss_bytes)));
}

int peak_verb(const std::vector<std::string>& files) {
  for (const std::string& file : files.empty() ? std::vector<std::string>{""} : files) {
    RecordedRun run = analyze_run(select_recording(file));
    print_peak(run.process, "");
    for (const Analysis& child : run.children) print_peak(child, "  child ");
    for (const std::string& warning : run.process.warnings) fmt::print(stderr, "leakrank: warning: {}\n", warning);
  }
  return 0;
}

// --- clean ---

int clean_verb(bool dry_run) {
  int exit_code = 0;
  for (const fs::path& recording : list_recordings(fs::current_path())) {
    std::error_code error;
    if (!dry_run && !fs::remove(recording, error) && error) {
      fmt::print(stderr, "leakrank: cannot remove {}: {}\n", recording.filename().string(), error.message());
      exit_code = kExitUsage;
      continue;
    }
    fmt::print("{} {}\n", dry_run ? "would remove" : "removed", recording.filename().string());
  }
  return exit_code;
}

struct HousekeepingArguments {
  std::vector<std::string> peak_files;
  bool dry_run = false;
};

}  // namespace

void register_housekeeping(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HousekeepingArguments>();
  CLI::App* list = app.add_subcommand("list", "List the recordings here with their number, start time and command");
  list->callback([&exit_code] { exit_code = list_verb(); });

  CLI::App* peak = app.add_subcommand("peak", "Peak heap and RSS of a recording and of each recorded child");
  peak->add_option("FILE", args->peak_files, "Recordings or list numbers (default: the newest)");
  peak->callback([args, &exit_code] { exit_code = peak_verb(args->peak_files); });

  CLI::App* clean = app.add_subcommand("clean", "Remove the recordings (*.lrk) here");
  clean->add_flag("--dry-run", args->dry_run, "Only say what would be removed");
  clean->callback([args, &exit_code] { exit_code = clean_verb(args->dry_run); });

}

}  // namespace leakrank::cli
