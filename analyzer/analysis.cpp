// One streaming pass over a recording: replay the heap, map stacks to sites, sample each
// site's live bytes at the recording's snapshot points and in between, then rank the sites by
// growth.
#include "analyzer/analysis.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <utility>

#include "analyzer/frames_ahead.h"
#include "analyzer/live_heap.h"
#include "analyzer/mapped_regions.h"
#include "analyzer/site_grouping.h"
#include "analyzer/site_series.h"
#include "analyzer/teardown.h"
#include "analyzer/stack_id_guard.h"
#include "analyzer/stacks_in_waiting.h"
#include "recording/pipelined_reader.h"

namespace leakrank {
namespace {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
constexpr size_t kMaxCurvePoints = 2000;
constexpr uint64_t kFirstCurveBucketNs = 1'000'000;

double seconds(uint64_t ns) { return double(ns) * 1e-9; }
uint64_t nanoseconds(double s) { return s <= 0 ? 0 : s >= 1.8e10 ? kNever - 1 : uint64_t(std::llround(s * 1e9)); }
// Estimates (sampled recordings) are fractional; the model counts whole bytes and blocks.
uint64_t whole(double value) { return value <= 0 ? 0 : uint64_t(std::llround(value)); }

// A memory-over-time curve kept to a bounded number of points however long the recording:
// each point is the highest value of its time bucket, and the buckets double in width
// whenever there are twice too many.
class Curve {
 public:
  void add(uint64_t time_ns, double value) {
    if (time_ns >= bucket_end_ns_) {
      open_bucket(time_ns, value);
    } else if (value > points_.back().value) {
      points_.back().value = value;
      points_.back().time_ns = time_ns;
    }
  }

  std::vector<TimePoint> finish() {
    while (points_.size() > kMaxCurvePoints) merge_pairs();
    std::vector<TimePoint> curve;
    curve.reserve(points_.size());
    for (const Point& point : points_) curve.push_back({seconds(point.time_ns), whole(point.value)});
    return curve;
  }

 private:
  struct Point {
    uint64_t bucket;
    uint64_t time_ns;
    double value;
  };

  void open_bucket(uint64_t time_ns, double value) {
    points_.push_back({time_ns / width_ns_, time_ns, value});
    if (points_.size() > 2 * kMaxCurvePoints) merge_pairs();
    bucket_end_ns_ = (points_.back().bucket + 1) * width_ns_;
  }

  void merge_pairs() {
    width_ns_ *= 2;
    size_t kept = 0;
    for (Point point : points_) {
      point.bucket /= 2;
      if (kept > 0 && points_[kept - 1].bucket == point.bucket) {
        if (point.value > points_[kept - 1].value) points_[kept - 1] = point;
      } else {
        points_[kept++] = point;
      }
    }
    points_.resize(kept);
  }

  uint64_t width_ns_ = kFirstCurveBucketNs;
  uint64_t bucket_end_ns_ = 0;
  std::vector<Point> points_;
};

// A site's live bytes at each point: the sum of its call paths' (SiteGrouping::resolve).
std::vector<double> summed_series(const SiteSeries& series, const std::vector<uint32_t>& paths,
                                  const std::vector<uint32_t>& points) {
  std::vector<double> sum(points.size(), 0.0);
  for (uint32_t path : paths) {
    std::vector<double> values = series.values(path, points);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += values[i];
  }
  return sum;
}

// And its envelope: exact for one path, bounds for several (analyzer/series_envelope.h).
std::vector<EnvelopeBucket> summed_envelope(const SiteSeries& series, const std::vector<uint32_t>& paths,
                                            uint64_t end_ns) {
  std::vector<EnvelopeBucket> sum;
  for (uint32_t path : paths) {
    std::vector<EnvelopeBucket> buckets = series.envelope(path, end_ns);
    if (sum.empty()) {
      sum = std::move(buckets);
      continue;
    }
    for (size_t i = 0; i < sum.size() && i < buckets.size(); ++i) {
      sum[i].low += buckets[i].low;
      sum[i].high += buckets[i].high;
      sum[i].last += buckets[i].last;
    }
  }
  return sum;
}

class AnalysisSink final : public RecordSink {
 public:
  AnalysisSink(const AnalysisOptions& options, FramesAhead& frames_ahead)
      : options_(options),
        frames_ahead_(frames_ahead),
        grouping_(options.group_by, options.keep_frames, AllocationWrappers(options.wrappers)),
        stacks_in_waiting_(frames_ahead, grouping_),
        series_(options.max_snapshots),
        since_ns_(options.since_s ? nanoseconds(*options.since_s) : 0),
        window_start_ns_(options.since_s ? since_ns_ : kNever),
        cutoff_ns_(options.until_s ? nanoseconds(*options.until_s) + 1 : kNever) {
    if (!options.since_s) capture(0);  // growth counts from time zero
  }

  void on(const RecordingMeta& meta) override {
    meta_ = meta;
    heap_ = LiveHeap(meta.sample_bytes);
    heap_.limit_stack_ids(stack_ids_.highest());
  }

  void on(const ModuleMapRecord& record) override {
    stacks_in_waiting_.module_map(record.modules);
    for (const ModuleInfo& module : record.modules) remember_module(module);
  }

  void on(const StackRecord& record) override {
    if (!stack_ids_.accept(record.id)) return;
    heap_.limit_stack_ids(stack_ids_.highest());
    stacks_in_waiting_.stack(record.id, record.ips);
  }

  // The usual case, no window edge inside the run: it is replayed straight from the batch.
  void on_heap_records(std::span<const HeapRecord> records) override {
    if (replaced_through_) [[unlikely]] records = without_replaced_stacks(records);
    if (records.empty()) return;
    uint64_t first = records.front().time_ns, last = records.back().time_ns;
    uint64_t edge = std::min(window_start_ns_, cutoff_ns_);
    if (first >= edge || last >= edge) {
      for (const HeapRecord& record : records) take_one(record);
      return;
    }
    events_ += records.size();
    last_ns_ = last;
    buffer(records);
  }

  // Allocated before the recording began (attach): nothing to take back from the heap.
  void on(const UnmatchedFreeRecord& record) override {
    ++events_;
    last_ns_ = record.time_ns;
  }

  void on(const RssRecord& record) override {
    auto [time_ns, bytes] = std::pair(record.time_ns, record.bytes);
    last_ns_ = time_ns;
    if (time_ns >= cutoff_ns_) return;
    rss_curve_.add(time_ns, double(bytes));
    if (time_ns < since_ns_) return;
    peak_rss_ = std::max(peak_rss_, bytes);
    replay_buffered();
    double mapped = double(mappings_.mapped_bytes());
    rss_accounting_.sample(seconds(time_ns), bytes, heap_.live_bytes() - mapped, mapped);
  }

  void on(const ResidentFilesRecord& record) override {
    if (record.time_ns >= since_ns_ && record.time_ns < cutoff_ns_) rss_accounting_.files(record.bytes);
  }

  void on(const SnapshotRecord& record) override {
    auto [time_ns, name] = std::pair(record.time_ns, std::string_view(record.name));
    last_ns_ = time_ns;
    if (time_ns >= cutoff_ns_) return;
    replay_buffered();
    if (!name.empty()) named_.push_back({std::string(name), seconds(time_ns)});
    if (options_.until_snapshot && name == *options_.until_snapshot) {
      cutoff_ns_ = time_ns;  // the state at this snapshot is the end point
      return;
    }
    if (time_ns >= window_start_ns_) begin_window();
    if (window_started() && series_.wants_snapshot()) capture(time_ns);
  }

  void on(const ChildRecord& record) override {
    last_ns_ = record.time_ns;
    children_.push_back({record.pid, record.recording_path});
  }

  // The latest command names the program whatever the window: the one the process ran.
  void on(const CommandRecord& record) override {
    last_ns_ = record.time_ns;
    meta_.command = record.command;
  }

  // Mappings join the heap replay as blocks of their stacks (analyzer/mapped_regions.h).
  void on(const MapRecord& record) override {
    mappings_.map(record, scratch_);
    take_scratch();
  }
  void on(const UnmapRecord& record) override {
    mappings_.unmap(record, scratch_);
    take_scratch();
  }
  void on(const AccessRecord& record) override {
    mappings_.access(record, scratch_);
    take_scratch();
  }

  // The old image's blocks and mappings end here; its sites are not ranked. Its stacks are
  // those defined so far: an exec follows every definition its old image sent.
  void on(const ExecRecord& record) override {
    last_ns_ = record.time_ns;
    if (record.time_ns >= cutoff_ns_) return;
    replay_buffered();
    images_.push_back({meta_.command, image_start_s_});
    image_start_s_ = seconds(record.time_ns);
    replaced_through_ = stack_ids_.highest();
    heap_.end_stacks_through(replaced_through_);
    mappings_.forget_all();
  }

  // Stacks of an interpreter whose frames are not read show its C frames: say why once.
  void on(const PythonInterpreterRecord& record) override {
    if (record.frames_read || python_warned_) return;
    python_warned_ = true;
    std::string version = record.version_hex ? fmt::format("Python {}.{}", record.version_hex >> 24,
                                                           (record.version_hex >> 16) & 0xff)
                                             : std::string("a Python before 3.11");
    unread_python_ = fmt::format("{}: its frames are not read (leakrank reads CPython 3.11's); stacks show the "
                                 "interpreter's C frames",
                                 version);
  }

  void on(const EndRecord& record) override {
    last_ns_ = record.time_ns;
    wait_status_ = record.wait_status;
  }

  Analysis finish(const std::string& path, const ReadSummary& summary);

 private:
  bool window_started() const { return window_start_ns_ == kNever; }

  void take_scratch() {
    on_heap_records(scratch_);
    scratch_.clear();
  }

  // Blocks of a replaced image still in the rings at its exec, drained after it.
  std::span<const HeapRecord> without_replaced_stacks(std::span<const HeapRecord> records) {
    kept_.clear();
    for (const HeapRecord& record : records) {
      if (record.stack_id == 0 || record.stack_id > replaced_through_) kept_.push_back(record);
    }
    return kept_;
  }

  // A record of a run that crosses the window's start or end.
  void take_one(const HeapRecord& record) {
    ++events_;
    last_ns_ = record.time_ns;
    if (record.time_ns >= cutoff_ns_) return;
    if (record.time_ns >= window_start_ns_) begin_window();
    buffer(record);
  }

  void buffer(const HeapRecord& event) {
    buffered_[buffered_count_++] = event;
    if (buffered_count_ == buffered_.size()) replay_buffered();
  }

  // As if buffered one by one: whole chunks are replayed where they lie, the ends are copied.
  void buffer(std::span<const HeapRecord> records) {
    while (!records.empty()) {
      size_t taken = std::min(records.size(), buffered_.size() - buffered_count_);
      if (buffered_count_ == 0 && taken == buffered_.size()) {
        replay_chunk(records.first(taken));
      } else {
        std::copy_n(records.begin(), taken, buffered_.begin() + long(buffered_count_));
        buffered_count_ += taken;
        if (buffered_count_ == buffered_.size()) replay_buffered();
      }
      records = records.subspan(taken);
    }
  }

  // Every reader of the heap's state calls this first.
  void replay_buffered() {
    if (buffered_count_ == 0) return;
    replay_chunk({buffered_.data(), buffered_count_});
    buffered_count_ = 0;
  }

  // Stops wherever the series want a sample between snapshot marks, to sample the state there.
  void replay_chunk(std::span<const HeapRecord> chunk) {
    while (!chunk.empty() && chunk.back().time_ns >= series_.next_sample_ns()) {
      auto due = std::partition_point(chunk.begin(), chunk.end(), [&](const HeapRecord& record) {
        return record.time_ns < series_.next_sample_ns();
      });
      replay_part(chunk.first(size_t(due - chunk.begin())));
      chunk = chunk.subspan(size_t(due - chunk.begin()));
      stacks_in_waiting_.settle();
      if (!series_.sample_before(chunk.front().time_ns, heap_, grouping_)) break;
    }
    replay_part(chunk);
  }

  void replay_part(std::span<const HeapRecord> chunk) {
    if (chunk.empty()) return;
    HeapMoment highest = heap_.replay(chunk);
    heap_curve_.add(highest.time_ns, highest.bytes);
    heap_curve_.add(chunk.back().time_ns, heap_.live_bytes());
    allocated_curve_.add(chunk.back().time_ns, heap_.total_bytes());
  }

  // --since: totals and the peak restart here, and growth is measured from this state.
  void begin_window() {
    replay_buffered();
    uint64_t since_ns = window_start_ns_;
    window_start_ns_ = kNever;
    heap_.start_window(since_ns);
    capture(since_ns);
  }

  // A snapshot point, once every stack read so far has its site.
  void capture(uint64_t time_ns) {
    stacks_in_waiting_.settle();
    series_.capture(time_ns, heap_, grouping_);
  }

  void remember_module(const ModuleInfo& module) {
    auto same = [&](const ModuleInfo& m) {
      return m.path == module.path && m.start == module.start && m.build_id == module.build_id;
    };
    if (std::none_of(modules_.begin(), modules_.end(), same)) modules_.push_back(module);
  }

  uint64_t window_end_ns() const;
  std::vector<Site> ranked_sites(const ResolvedSites& resolved, const std::vector<uint32_t>& points,
                                 const Analysis& analysis, size_t judged_buckets);
  StackSamples stack_samples();

  const AnalysisOptions& options_;
  FramesAhead& frames_ahead_;
  RecordingMeta meta_;
  LiveHeap heap_;
  SiteGrouping grouping_;
  StacksInWaiting stacks_in_waiting_;
  SiteSeries series_;
  Curve heap_curve_;
  Curve allocated_curve_;  // cumulative: each bucket keeps its last value
  Curve rss_curve_;
  const uint64_t since_ns_;
  uint64_t window_start_ns_;  // kNever once the window has begun
  uint64_t cutoff_ns_;        // records at or after this are past the window
  std::array<HeapRecord, 256> buffered_;
  size_t buffered_count_ = 0;
  uint64_t last_ns_ = 0;
  uint64_t events_ = 0;
  uint64_t peak_rss_ = 0;
  int32_t wait_status_ = -1;
  std::vector<NamedSnapshot> named_;
  std::vector<ChildRecordingRef> children_;
  std::vector<ModuleInfo> modules_;
  StackIdGuard stack_ids_;
  MappedRegions mappings_;
  RssAccounting rss_accounting_;
  std::vector<HeapRecord> scratch_;  // what a mapping change makes
  std::vector<HeapRecord> kept_;
  std::vector<ProcessImage> images_;  // replaced ones
  double image_start_s_ = 0;           // of the current one
  uint32_t replaced_through_ = 0;
  bool python_warned_ = false;
  std::string unread_python_;  // stacks 1..this belong to images replaced by exec
};

uint64_t AnalysisSink::window_end_ns() const {
  return cutoff_ns_ == kNever ? last_ns_ : std::min(last_ns_, cutoff_ns_ - (options_.until_s ? 1 : 0));
}

// judged_buckets: sites are judged on their envelopes up to there (the run before its teardown).
std::vector<Site> AnalysisSink::ranked_sites(const ResolvedSites& resolved, const std::vector<uint32_t>& points,
                                             const Analysis& analysis, size_t judged_buckets) {
  const std::vector<StackUsage>& usage = heap_.stacks();
  std::vector<Site> sites(resolved.sites.size());
  std::vector<uint32_t> largest_stack(sites.size(), kNoSite);
  std::vector<bool> active(sites.size(), false);
  std::vector<bool> has_mapping(sites.size(), false), has_heap_block(sites.size(), false);
  for (uint32_t stack_id = 0; stack_id < usage.size(); ++stack_id) {
    uint32_t path = series_.site_of_stack(stack_id);  // the series follow call paths
    if (path == kNoSite || (stack_id != 0 && stack_id <= replaced_through_)) continue;  // a replaced image's
    uint32_t index = resolved.site_of_path[path];
    const StackUsage& stack = usage[stack_id];
    Site& site = sites[index];
    (mappings_.is_mapping_stack(stack_id) ? has_mapping : has_heap_block)[index] = true;
    site.live_bytes += whole(stack.live_bytes);
    site.live_allocations += whole(stack.live_allocations);
    site.total_bytes += whole(stack.total_bytes);
    site.total_allocations += whole(stack.total_allocations);
    site.temporary_allocations += whole(stack.temporary_allocations);
    site.bytes_at_peak += whole(stack.bytes_at_peak);
    active[index] = true;
    uint32_t& largest = largest_stack[index];
    if (largest == kNoSite || std::pair(stack.live_bytes, stack.total_bytes) >
                                  std::pair(usage[largest].live_bytes, usage[largest].total_bytes))
      largest = stack_id;
  }
  GrowthOptions growth = options_.growth;
  if (growth.heap_peak_bytes == 0) growth.heap_peak_bytes = double(analysis.peak_heap_bytes);
  std::vector<Site> ranked;
  for (uint32_t index = 0; index < sites.size(); ++index) {
    if (!active[index]) continue;
    Site& site = sites[index];
    site.mapping = has_mapping[index] && !has_heap_block[index];  // a site of both is a heap site
    const SiteIdentity& identity = resolved.sites[index];
    site.key = identity.key;
    site.function = identity.function;
    site.file = identity.file;
    site.line = identity.line;
    site.module = identity.module;
    site.frames = grouping_.frames_of(largest_stack[index]);
    const std::vector<uint32_t>& paths = resolved.paths_of_site[index];
    site.live_bytes_series = summed_series(series_, paths, points);
    std::vector<EnvelopeBucket> envelope = summed_envelope(series_, paths, window_end_ns());
    site.growth = assess_growth_before_release({analysis.envelope_bounds_s, envelope, site.live_bytes_series.front()},
                                               judged_buckets, growth);
    if (rose(site.growth.verdict)) site.live_bytes_envelope = std::move(envelope);
    double allocations_at_start = 0;
    for (uint32_t path : paths) allocations_at_start += series_.allocations_at_start(path);
    site.growth_allocations = int64_t(site.live_allocations) - int64_t(whole(allocations_at_start));
    bool idle = site.total_allocations == 0 && site.live_bytes == 0 && site.growth.peak_bytes == 0;
    if (!idle) ranked.push_back(std::move(site));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Site& a, const Site& b) { return ranks_before(a.growth, b.growth); });
  return ranked;
}

StackSamples AnalysisSink::stack_samples() {
  StackSamples samples{.frames = grouping_.frames()};
  const std::vector<StackUsage>& usage = heap_.stacks();
  for (uint32_t stack_id = 0; stack_id < usage.size(); ++stack_id) {
    const StackUsage& stack = usage[stack_id];
    if (stack.total_allocations == 0 && stack.live_allocations == 0) continue;
    samples.samples.push_back({grouping_.frame_indexes_of(stack_id), whole(stack.live_bytes),
                               whole(stack.live_allocations), whole(stack.total_bytes), whole(stack.total_allocations)});
  }
  return samples;
}

Analysis AnalysisSink::finish(const std::string& path, const ReadSummary& summary) {
  replay_buffered();
  if (options_.until_snapshot && cutoff_ns_ == kNever)
    throw RecordingError(fmt::format("{}: no snapshot named '{}'", path, *options_.until_snapshot));
  Analysis analysis;
  uint64_t end_ns = window_end_ns();
  if (!window_started()) {
    analysis.warnings.push_back(fmt::format("--since {}s is past the end of the recording ({:.2f}s)",
                                            *options_.since_s, seconds(end_ns)));
    window_start_ns_ = end_ns;
    begin_window();
  }
  capture(end_ns);
  std::vector<uint32_t> points = series_.chosen_points();

  analysis.path = path;
  analysis.meta = meta_;
  analysis.complete = summary.complete;
  analysis.read_warning = summary.warning;
  analysis.estimated = meta_.sample_bytes > 0;
  analysis.wait_status = wait_status_;
  analysis.duration_s = seconds(end_ns);
  analysis.recorded_s = seconds(last_ns_);
  analysis.peak_heap_bytes = whole(heap_.peak_bytes());
  analysis.peak_heap_time_s = seconds(heap_.peak_time_ns());
  analysis.end_heap_bytes = whole(heap_.live_bytes());
  analysis.peak_rss_bytes = peak_rss_;
  analysis.rss_explained = rss_accounting_.explain();
  analysis.total_allocations = whole(heap_.total_allocations());
  analysis.total_frees = whole(heap_.total_frees());
  analysis.total_allocated_bytes = whole(heap_.total_bytes());
  analysis.temporary_allocations = whole(heap_.temporary_allocations());
  analysis.events = events_;
  for (uint32_t point : points) analysis.snapshot_times_s.push_back(seconds(series_.time_ns(point)));
  analysis.heap_series = heap_curve_.finish();
  analysis.rss_series = rss_curve_.finish();
  analysis.named_snapshots = std::move(named_);
  analysis.children = std::move(children_);
  analysis.images = std::move(images_);
  analysis.images.push_back({meta_.command, image_start_s_});
  // A run that ended with its process's exit may end in a teardown; a window cut short or a
  // detached attach ends mid-life.
  bool ended_at_exit = summary.complete && cutoff_ns_ == kNever && !meta_.attached;
  if (ended_at_exit) {
    std::vector<TimePoint> allocated = allocated_curve_.finish();
    analysis.teardown_s = teardown_start_s({analysis.heap_series, allocated, analysis.duration_s,
                                            analysis.end_heap_bytes, whole(heap_.total_bytes())});
  }
  analysis.envelope_bounds_s = series_.envelope_bounds_s(end_ns);
  // The buckets that end by the teardown: the release begins after it.
  const std::vector<double>& bounds = analysis.envelope_bounds_s;
  size_t judged = analysis.teardown_s
                      ? size_t(std::upper_bound(bounds.begin() + 1, bounds.end(), *analysis.teardown_s) - bounds.begin()) - 1
                      : bounds.size() - 1;
  ResolvedSites resolved = grouping_.resolve();
  analysis.sites = ranked_sites(resolved, points, analysis, judged);
  analysis.skipped_wrappers = std::move(resolved.skipped_wrappers);
  if (options_.collect_stacks) analysis.stacks = stack_samples();
  analysis.modules = std::move(modules_);
  if (!summary.warning.empty()) analysis.warnings.push_back(summary.warning);
  if (!unread_python_.empty()) analysis.warnings.push_back(unread_python_);
  for (const std::string& warning : frames_ahead_.warnings()) analysis.warnings.push_back(warning);
  return analysis;
}

// Stacks and module maps go to the symbolizing thread first, as the pipelined reader sends them.
class AheadThenSink final : public RecordSink {
 public:
  AheadThenSink(RecordSink& ahead, RecordSink& sink) : ahead_(ahead), sink_(sink) {}

#define LEAKRANK_FORWARD_RECORD(Kind) \
  void on(const Kind& record) override { forward(record); }
  LEAKRANK_RECORD_KINDS(LEAKRANK_FORWARD_RECORD)
#undef LEAKRANK_FORWARD_RECORD
  void on_heap_records(std::span<const HeapRecord> records) override { sink_.on_heap_records(records); }

 private:
  template <class Kind>
  void forward(const Kind& record) {
    if constexpr (kGoesAhead<Kind>) ahead_.on(record);
    sink_.on(record);
  }

  RecordSink& ahead_;
  RecordSink& sink_;
};

}  // namespace

struct FollowingAnalysis::Following {
  explicit Following(const AnalysisOptions& analysis_options)
      : options(analysis_options), frames_ahead(options.symbolizer), sink(options, frames_ahead),
        ahead_then_sink(frames_ahead, sink) {}

  AnalysisOptions options;  // the sink keeps a reference
  FramesAhead frames_ahead;
  AnalysisSink sink;
  AheadThenSink ahead_then_sink;
  ReadSummary summary;
  std::mutex mutex;  // blocks arrive on the writer's thread, finish() comes from another
  std::exception_ptr failure;
};

FollowingAnalysis::FollowingAnalysis(const AnalysisOptions& options)
    : following_(std::make_unique<Following>(options)) {}
FollowingAnalysis::~FollowingAnalysis() = default;

void FollowingAnalysis::on_block(const BlockRecords& block) {
  std::lock_guard lock(following_->mutex);
  if (following_->failure) return;
  try {
    block.replay(following_->ahead_then_sink);
    following_->summary.records += block.records();
    ++following_->summary.blocks;
    following_->summary.complete |= block.has_end();
  } catch (...) {
    following_->failure = std::current_exception();
  }
}

Analysis FollowingAnalysis::finish(const std::string& path, bool saw_every_block) {
  std::lock_guard lock(following_->mutex);
  Following& following = *following_;
  if (following.failure) std::rethrow_exception(following.failure);
  if (saw_every_block) return following.sink.finish(path, following.summary);
  ReadSummary rest = read_recording_pipelined(path, following.sink, following.frames_ahead, following.summary.blocks);
  rest.records += following.summary.records;
  rest.complete |= following.summary.complete;
  return following.sink.finish(path, rest);
}

Analysis analyze_recording(const std::string& path, const AnalysisOptions& options) {
  FramesAhead frames_ahead(options.symbolizer);
  AnalysisSink sink(options, frames_ahead);
  // Decoding and symbolization run on a second core.
  ReadSummary summary = read_recording_pipelined(path, sink, frames_ahead);
  return sink.finish(path, summary);
}

}  // namespace leakrank
