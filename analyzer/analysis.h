#pragma once
// The analyzer's answer for one recording: totals, memory over time, and the allocation
// sites ranked by how they grow. Built in one streaming pass by analyze_recording().
#include <cstdint>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/growth_ranking.h"
#include "analyzer/rss_accounting.h"
#include "analyzer/series_envelope.h"
#include "analyzer/stack_samples.h"
#include "analyzer/symbolizer.h"
#include "recording/block_records.h"
#include "recording/record_format.h"

namespace leakrank {

enum class GroupBy { function, line, stack };

struct AnalysisOptions {
  GroupBy group_by = GroupBy::line;
  bool keep_frames = false;                   // --keep-frames: runtime frames may name a site
  std::vector<std::string> wrappers;          // --wrapper, --wrappers-from: more allocation wrappers (allocation_wrappers.h)
  std::optional<double> since_s;              // --since: growth measured from here
  std::optional<double> until_s;              // --until, or FILE@30s: the state at this time
  std::optional<std::string> until_snapshot;  // FILE@name: the state at a named snapshot
  SymbolizerOptions symbolizer;
  GrowthOptions growth;
  size_t max_snapshots = 64;                  // series are thinned evenly to at most this many points
  bool collect_stacks = false;                // fill Analysis::stacks (export needs every stack, not one per site)
};

struct TimePoint {
  double time_s = 0;
  uint64_t bytes = 0;
};

struct Site {
  std::string key;               // identity across runs (symbolized, never addresses): per group_by
  std::string function;          // the site's frame: first frame in the program's own code
  std::string file;
  uint32_t line = 0;
  std::string module;
  std::vector<Frame> frames;     // the largest contributing stack, innermost first, skipped frames included
  uint64_t live_bytes = 0;       // at the end of the window
  uint64_t live_allocations = 0;
  uint64_t total_bytes = 0;      // allocated inside the window
  uint64_t total_allocations = 0;
  uint64_t temporary_allocations = 0;  // freed again within a short time
  uint64_t bytes_at_peak = 0;    // live bytes when the whole heap peaked
  int64_t growth_allocations = 0;
  std::vector<double> live_bytes_series;  // one value per Analysis::snapshot_times_s
  // One per bucket of Analysis::envelope_bounds_s, for the sites that rose (growth_ranking.h);
  // empty for the others, which nothing draws: only material rises qualify, so few sites keep one.
  std::vector<EnvelopeBucket> live_bytes_envelope;
  GrowthAssessment growth;
  bool mapping = false;          // anonymous mappings the program made (mmap), not heap blocks
};

// A function some site was chosen past because it allocates for its callers.
struct SkippedWrapper {
  std::string function;
  std::string reason;   // listed, named, pattern or detected (analyzer/allocation_wrappers.h)
  size_t callers = 0;   // detected: the distinct callers it was found with; else 0
  uint64_t stacks = 0;  // distinct stacks through it
};

struct NamedSnapshot {
  std::string name;
  double time_s = 0;
};

// A program the process ran: the first, then one per exec. Only the last one's sites are
// ranked; the blocks of the others ended at the exec that replaced them.
struct ProcessImage {
  std::vector<std::string> command;
  double start_s = 0;
};

struct ChildRecordingRef {
  int32_t pid = 0;
  std::string path;
};

struct Analysis {
  std::string path;
  RecordingMeta meta;
  bool complete = false;          // the recording has its end record
  std::string read_warning;       // ReadSummary::warning: the file stops early or a block is damaged
  bool estimated = false;         // sampled recording: byte counts are scaled estimates
  int32_t wait_status = -1;       // of the target, when known
  double duration_s = 0;
  double recorded_s = 0;          // how far the readable records reach, whatever the window
  uint64_t peak_heap_bytes = 0;
  double peak_heap_time_s = 0;
  uint64_t end_heap_bytes = 0;
  std::optional<double> teardown_s;  // when the program began to free its heap on the way out
  uint64_t peak_rss_bytes = 0;
  std::optional<RssExplained> rss_explained;  // none without two RSS samples in the window
  uint64_t total_allocations = 0;
  uint64_t total_frees = 0;
  uint64_t total_allocated_bytes = 0;
  uint64_t temporary_allocations = 0;
  uint64_t events = 0;            // alloc + free records read
  std::vector<double> snapshot_times_s;
  std::vector<double> envelope_bounds_s;  // edges of the sites' envelope buckets, one more than buckets
  std::vector<TimePoint> heap_series;  // for plots: thinned to a few thousand points
  std::vector<TimePoint> rss_series;
  std::vector<NamedSnapshot> named_snapshots;
  std::vector<ChildRecordingRef> children;
  std::vector<ProcessImage> images;  // oldest first, the last one current
  std::vector<Site> sites;        // ranked: ranks_before(growth) order
  std::vector<SkippedWrapper> skipped_wrappers;  // the most used first
  StackSamples stacks;                // every stack, only when AnalysisOptions::collect_stacks
  std::vector<ModuleInfo> modules;     // every module seen (all module maps), for export mappings
  std::vector<std::string> warnings;  // reader and symbolizer, one line each
};

// Throws RecordingError (one line) when the file cannot be read at all.
Analysis analyze_recording(const std::string& path, const AnalysisOptions& options = {});

// The same analysis fed the blocks of a recording as they are written (a BlockObserver),
// as `run` does for its summary: only blocks it was not shown are read back from the file.
class FollowingAnalysis {
 public:
  explicit FollowingAnalysis(const AnalysisOptions& options);
  ~FollowingAnalysis();
  FollowingAnalysis(const FollowingAnalysis&) = delete;
  FollowingAnalysis& operator=(const FollowingAnalysis&) = delete;

  // The records of the recording's next block. Never throws: a failure waits for finish().
  void on_block(const BlockRecords& block);
  // Once the last block was written. Unless it saw them all, it reads the blocks after those it
  // saw from the file at path first. Rethrows what failed while following.
  Analysis finish(const std::string& path, bool saw_every_block);

 private:
  struct Following;
  std::unique_ptr<Following> following_;
};

}  // namespace leakrank
