#include "cli/run_summary.h"

#include <fmt/core.h>
#include <sys/resource.h>

#include <utility>

#include "analyzer/byte_size.h"

namespace leakrank::cli {
namespace {

constexpr size_t kSitesShown = 3;
// The summary is made on the recording's block thread, which also compresses: behind the
// target, so it takes the CPU the target leaves, yet not so far behind that compression
// stalls the recorder when the target keeps every core busy (nice 19 did, measured).
constexpr int kBlockThreadNice = 10;

AnalysisOptions summary_options() {
  AnalysisOptions options;
  options.symbolizer.runtime_debug_info = false;  // only sites are shown
  return options;
}

void print_process_line(const char* role, const RecordedProcess& process, double duration_s) {
  uint64_t events = process.stats.allocations + process.stats.frees;
  fmt::print(stderr, "leakrank: {} pid {}: {} events ({:.1f} M/s), {} stacks, {:.1f} bytes/event, wrote {}\n", role,
             process.pid, events, duration_s > 0 ? double(events) / duration_s / 1e6 : 0.0, process.stats.stacks,
             events ? double(process.file_bytes) / double(events) : 0.0, process.path);
}

void print_top_sites(const Analysis& analysis) {
  size_t shown = 0;
  for (const Site& site : analysis.sites) {
    if (site.growth.verdict != Verdict::growing || shown == kSitesShown) break;
    fmt::print(stderr, "  {}. {:<11} {}{}  {}:{}{}\n", ++shown, format_signed_bytes(site.growth.growth_bytes),
               site.mapping ? "[mmap] " : "", site.function, site.file, site.line,
               site.growth.released_at_exit ? "  (released at exit)" : "");
  }
  if (!shown) fmt::print(stderr, "  no site keeps growing\n");
}

}  // namespace

SummaryAnalysis::SummaryAnalysis(const WrapperArguments& wrappers) : options_(summary_options()) {
  add_wrappers(options_, wrappers);
}

BlockObserver SummaryAnalysis::follow() {
  following_.emplace(options_);
  return [this, lowered = false](const BlockRecords& block) mutable {
    if (!std::exchange(lowered, true)) setpriority(PRIO_PROCESS, 0, kBlockThreadNice);  // Linux: 0 is this thread
    following_->on_block(block);
  };
}

// A recording that stopped early (disk full) was followed as far as it was written.
Analysis SummaryAnalysis::finish(const std::string& path) {
  if (!following_) return analyze_recording(path, options_);
  return following_->finish(path);
}

void print_run_summary(const RunOutcome& outcome, SummaryAnalysis& summary) {
  print_process_line("target", outcome.target, outcome.duration_s);
  for (const RecordedProcess& child : outcome.children) print_process_line("child", child, outcome.duration_s);
  for (const std::string& note : outcome.notes) fmt::print(stderr, "leakrank: {}\n", note);
  try {
    Analysis analysis = summary.finish(outcome.target.path);
    fmt::print(stderr, "leakrank: peak heap {} at {:.1f} s, peak RSS {}, still allocated at exit {}\n",
               format_bytes(double(analysis.peak_heap_bytes)), analysis.peak_heap_time_s,
               format_bytes(double(analysis.peak_rss_bytes)), format_bytes(double(analysis.end_heap_bytes)));
    fmt::print(stderr, "leakrank: top growing sites:\n");
    print_top_sites(analysis);
  } catch (const std::exception& e) {
    fmt::print(stderr, "leakrank: the recording could not be analysed: {}\n", e.what());
  }
  fmt::print(stderr, "leakrank: next: leakrank report {0}   |   leakrank plot {0}\n", outcome.target.path);
}

}  // namespace leakrank::cli
