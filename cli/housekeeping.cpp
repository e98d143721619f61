// The mprof-style housekeeping verbs: leakrank list, peak, clean, and snapshot, which asks a
// running recorder to mark a named snapshot.
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
#include "cli/analysis_options.h"
#include "cli/analysis_warnings.h"
#include "cli/value_checks.h"
#include "cli/verbs.h"
#include "recorder/snapshot_requests.h"
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
    const RecordingRef ref = parse_recording_ref(file);  // FILE@TIME: the peak until TIME
    AnalysisOptions options;
    end_at(options, ref.instant);
    RecordedRun run = analyze_run(ref.path, options);
    print_peak(run.process, "");
    for (const Analysis& child : run.children) print_peak(child, "  child ");
    print_analysis_warnings(run.process.warnings);
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

// --- snapshot ---

// The name must read back as a snapshot in FILE@NAME: not a time, not "end", no '@'.
void check_snapshot_name(const std::string& name) {
  auto bad = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("invalid snapshot name '{}': {}", name, why));
  };
  if (name.size() > 200) throw bad("longer than 200 bytes");
  if (name.find('@') != std::string::npos) throw bad("'@' separates FILE from the snapshot in FILE@NAME");
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    throw bad("control characters");
  if (!parse_instant(name).snapshot) throw bad("it reads as a time (FILE@30s) or as the end");
}

int snapshot_verb(pid_t pid, const std::optional<std::string>& name) {
  request_snapshot(pid, name.value_or(""));
  fmt::print("leakrank pid {} marked snapshot{}\n", pid, name ? " '" + *name + "'" : "");
  return 0;
}

struct HousekeepingArguments {
  std::vector<std::string> peak_files;
  bool dry_run = false;
  pid_t snapshot_pid = 0;
  std::optional<std::string> snapshot_name;
};

}  // namespace

void register_housekeeping(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<HousekeepingArguments>();
  CLI::App* list = app.add_subcommand("list", "List the recordings here with their number, start time and command");
  list->callback([&exit_code] { exit_code = list_verb(); });

  CLI::App* peak = app.add_subcommand("peak", "Peak heap and RSS of a recording and of each recorded child");
  peak->add_option("FILE", args->peak_files, "Recordings, list numbers or FILE@TIME (default: the newest)");
  peak->callback([args, &exit_code] { exit_code = peak_verb(args->peak_files); });

  CLI::App* clean = app.add_subcommand("clean", "Remove the recordings (*.lrk) here");
  clean->add_flag("--dry-run", args->dry_run, "Only say what would be removed");
  clean->callback([args, &exit_code] { exit_code = clean_verb(args->dry_run); });

  CLI::App* snapshot = app.add_subcommand("snapshot", "Make a running leakrank run or attach mark a snapshot now");
  snapshot->add_option("PID", args->snapshot_pid, "The pid of the recording leakrank process")
      ->required()->check(whole_number_in(1, kMaxPid));
  snapshot->add_option("--name", args->snapshot_name,
                       "Name to find it by (leakrank diff FILE@NAME FILE@end); default snapshot-N")
      ->check(parsed_by(check_snapshot_name));
  snapshot->callback([args, &exit_code] { exit_code = snapshot_verb(args->snapshot_pid, args->snapshot_name); });
}

}  // namespace leakrank::cli
