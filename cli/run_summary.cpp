#include "cli/run_summary.h"

#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <utility>

#include "analyzer/byte_size.h"
#include "analyzer/shell_word.h"
#include "analyzer/site_line.h"
#include "analyzer/source_paths.h"
#include "analyzer/text_fit.h"
#include "cli/terminal.h"

namespace leakrank::cli {
namespace {

constexpr size_t kSitesShown = 3;
// The summary's analysis runs on what CPU is left: it yields to the target and to the
// recorder's threads, which make the recording. What it has not seen when the target exits is
// read from the file then, at full priority (BlockFollower::finish).
constexpr int kAnalysisThreadNice = 19;

AnalysisOptions summary_options() {
  AnalysisOptions options;
  options.symbolizer.runtime_debug_info = false;  // only sites are shown
  return options;
}

constexpr std::string_view kPrefix = "leakrank: ";
constexpr std::string_view kContinued = "leakrank:   ";  // every line says whose it is: the target's stderr is mixed in
constexpr std::string_view kSiteIndent = "     ";

// One message in lines of at most columns bytes, each starting with "leakrank:".
void print_wrapped(std::string_view message, size_t columns) {
  size_t width = columns > kContinued.size() + 20 ? columns - kContinued.size() : 20;
  fmt::print(stderr, "{}{}\n", kPrefix, wrap_clauses(message, width, kContinued));
}

void print_process_line(const char* role, const RecordedProcess& process, double duration_s, size_t columns) {
  uint64_t events = process.stats.allocations + process.stats.frees;
  print_wrapped(fmt::format("{} pid {}: {} events ({:.1f} M/s), {} stacks, {:.1f} bytes/event, wrote {}", role,
                            process.pid, events, duration_s > 0 ? double(events) / duration_s / 1e6 : 0.0,
                            process.stats.stacks, events ? double(process.file_bytes) / double(events) : 0.0,
                            process.path),
                columns);
}

// "  1. +31.0 MiB  StringStore::intern(std::string_view)  string_store.cpp:15", the site
// under its growth when both do not fit on one line.
void print_top_sites(const Analysis& analysis, size_t columns) {
  SourcePaths paths(analysis.sites, std::filesystem::current_path().string());
  size_t shown = 0;
  for (const Site& site : analysis.sites) {
    if (site.growth.verdict != Verdict::growing || shown == kSitesShown) break;
    std::string growth = fmt::format("  {}. {:<11} ", ++shown, format_signed_bytes(site.growth.growth_bytes));
    std::string whole = site_line(site, SIZE_MAX / 4, paths);
    if (growth.size() + whole.size() <= columns)
      fmt::print(stderr, "{}{}\n", growth, whole);
    else
      fmt::print(stderr, "{}\n{}{}\n", growth.substr(0, growth.find_last_not_of(' ') + 1), kSiteIndent,
                 site_line(site, columns - kSiteIndent.size(), paths));
  }
  if (!shown) fmt::print(stderr, "  no site keeps growing\n");
}

}  // namespace

SummaryAnalysis::SummaryAnalysis(const WrapperArguments& wrappers) : options_(summary_options()) {
  add_wrappers(options_, wrappers);
}

BlockObserver SummaryAnalysis::follow(const std::string& path) {
  following_.emplace(options_);
  file_blocks_.emplace(path);
  follower_.emplace(
      [this, lowered = false](const BlockRecords& block) mutable {
        if (!std::exchange(lowered, true)) setpriority(PRIO_PROCESS, 0, kAnalysisThreadNice);  // Linux: 0 is this thread
        following_->on_block(block);
      },
      [this](uint64_t index, BlockRecords& out) { file_blocks_->read(index, out); });
  return follower_->observer();
}

// A recording that stopped early (disk full) was followed as far as it was written.
Analysis SummaryAnalysis::finish(const std::string& path) {
  if (!follower_) return analyze_recording(path, options_);
  return following_->finish(path, follower_->finish());
}

void print_run_summary(const RunOutcome& outcome, SummaryAnalysis& summary) {
  size_t columns = std::max(output_columns(STDERR_FILENO), kMinTextColumns);
  print_process_line("target", outcome.target, outcome.duration_s, columns);
  for (const RecordedProcess& child : outcome.children) print_process_line("child", child, outcome.duration_s, columns);
  for (const std::string& note : outcome.notes) print_wrapped(note, columns);
  try {
    Analysis analysis = summary.finish(outcome.target.path);
    print_wrapped(fmt::format("peak heap {} at {:.1f} s, peak RSS {}, still allocated at exit {}",
                              format_bytes(double(analysis.peak_heap_bytes)), analysis.peak_heap_time_s,
                              format_bytes(double(analysis.peak_rss_bytes)), format_bytes(double(analysis.end_heap_bytes))),
                  columns);
    fmt::print(stderr, "{}top growing sites:\n", kPrefix);
    print_top_sites(analysis, columns);
    for (const std::string& warning : analysis.warnings) print_wrapped("warning: " + warning, columns);
  } catch (const std::exception& e) {
    print_wrapped(fmt::format("the recording could not be analysed: {}", e.what()), columns);
  }
  // One command a line, each whole, so that either pastes as it stands.
  std::string path = shell_word(outcome.target.path);
  print_wrapped(fmt::format("next: leakrank report {}", path), columns);
  print_wrapped(fmt::format("      leakrank plot {}", path), columns);
}

}  // namespace leakrank::cli
