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

  void on_meta(const RecordingMeta& meta) override {
    meta_ = meta;
    heap_ = LiveHeap(meta.sample_bytes);
    heap_.limit_stack_ids(stack_ids_.highest());
  }

  void on_module_map(uint32_t /*generation*/, const std::vector<ModuleInfo>& modules) override {
    stacks_in_waiting_.module_map(modules);
    for (const ModuleInfo& module : modules) remember_module(module);
  }

  void on_stack(uint32_t id, std::span<const uint64_t> ips) override {
    if (!stack_ids_.accept(id)) return;
    heap_.limit_stack_ids(stack_ids_.highest());
    stacks_in_waiting_.stack(id, ips);
  }

  // The usual case, no window edge inside the run: it is replayed straight from the batch.
  void on_heap_records(std::span<const HeapRecord> records) override {
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
  void on_unmatched_free(uint64_t time_ns, uint64_t /*address*/) override {
    ++events_;
    last_ns_ = time_ns;
  }

  void on_rss(uint64_t time_ns, uint64_t bytes) override {
    last_ns_ = time_ns;
    if (time_ns >= cutoff_ns_) return;
    rss_curve_.add(time_ns, double(bytes));
    if (time_ns >= since_ns_) peak_rss_ = std::max(peak_rss_, bytes);
  }

  void on_snapshot(uint64_t time_ns, std::string_view name) override {
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

  void on_child(uint64_t time_ns, int32_t pid, std::string_view path) override {
    last_ns_ = time_ns;
    children_.push_back({pid, std::string(path)});
  }

  // The latest command names the program whatever the window: the one the process ran.
  void on_command(uint64_t time_ns, const std::vector<std::string>& command) override {
    last_ns_ = time_ns;
    meta_.command = command;
  }

  void on_end(uint64_t time_ns, int32_t wait_status) override {
    last_ns_ = time_ns;
    wait_status_ = wait_status;
  }

  Analysis finish(const std::string& path, const ReadSummary& summary);

 private:
  bool window_started() const { return window_start_ns_ == kNever; }

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
      if (!series_.sample_before(chunk.front().time_ns, heap_, grouping_, stacks_in_waiting_.settle(false))) break;
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

  // A snapshot point; the sites of stacks still being symbolized are filled in later.
  void capture(uint64_t time_ns, bool wait_for_sites = false) {
    series_.capture(time_ns, heap_, grouping_, stacks_in_waiting_.settle(wait_for_sites));
  }

  void remember_module(const ModuleInfo& module) {
    auto same = [&](const ModuleInfo& m) {
      return m.path == module.path && m.start == module.start && m.build_id == module.build_id;
    };
    if (std::none_of(modules_.begin(), modules_.end(), same)) modules_.push_back(module);
  }

  uint64_t window_end_ns() const;
  std::vector<Site> ranked_sites(const std::vector<uint32_t>& points, const Analysis& analysis, size_t judged_buckets);
  std::vector<StackSample> stack_samples();

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
};

uint64_t AnalysisSink::window_end_ns() const {
  return cutoff_ns_ == kNever ? last_ns_ : std::min(last_ns_, cutoff_ns_ - (options_.until_s ? 1 : 0));
}

// judged_buckets: sites are judged on their envelopes up to there (the run before its teardown).
std::vector<Site> AnalysisSink::ranked_sites(const std::vector<uint32_t>& points, const Analysis& analysis,
                                             size_t judged_buckets) {
  const std::vector<StackUsage>& usage = heap_.stacks();
  std::vector<Site> sites(grouping_.sites().size());
  std::vector<uint32_t> largest_stack(sites.size(), kNoSite);
  std::vector<bool> active(sites.size(), false);
  for (uint32_t stack_id = 0; stack_id < usage.size(); ++stack_id) {
    uint32_t index = series_.site_of_stack(stack_id);
    if (index == kNoSite) continue;
    const StackUsage& stack = usage[stack_id];
    Site& site = sites[index];
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
    const SiteIdentity& identity = grouping_.sites()[index];
    site.key = identity.key;
    site.function = identity.function;
    site.file = identity.file;
    site.line = identity.line;
    site.module = identity.module;
    site.frames = grouping_.frames_of(largest_stack[index]);
    site.live_bytes_series = series_.values(index, points);
    std::vector<EnvelopeBucket> envelope = series_.envelope(index, window_end_ns());
    site.growth = assess_growth_before_release({analysis.envelope_bounds_s, envelope, site.live_bytes_series.front()},
                                               judged_buckets, growth);
    if (rose(site.growth.verdict)) site.live_bytes_envelope = std::move(envelope);
    site.growth_allocations = int64_t(site.live_allocations) - int64_t(whole(series_.allocations_at_start(index)));
    bool idle = site.total_allocations == 0 && site.live_bytes == 0 && site.growth.peak_bytes == 0;
    if (!idle) ranked.push_back(std::move(site));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Site& a, const Site& b) { return ranks_before(a.growth, b.growth); });
  return ranked;
}

std::vector<StackSample> AnalysisSink::stack_samples() {
  std::vector<StackSample> samples;
  const std::vector<StackUsage>& usage = heap_.stacks();
  for (uint32_t stack_id = 0; stack_id < usage.size(); ++stack_id) {
    const StackUsage& stack = usage[stack_id];
    if (stack.total_allocations == 0 && stack.live_allocations == 0) continue;
    samples.push_back({grouping_.frames_of(stack_id), whole(stack.live_bytes), whole(stack.live_allocations),
                       whole(stack.total_bytes), whole(stack.total_allocations)});
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
  capture(end_ns, true);
  std::vector<uint32_t> points = series_.chosen_points();

  analysis.path = path;
  analysis.meta = meta_;
  analysis.complete = summary.complete;
  analysis.estimated = meta_.sample_bytes > 0;
  analysis.wait_status = wait_status_;
  analysis.duration_s = seconds(end_ns);
  analysis.peak_heap_bytes = whole(heap_.peak_bytes());
  analysis.peak_heap_time_s = seconds(heap_.peak_time_ns());
  analysis.end_heap_bytes = whole(heap_.live_bytes());
  analysis.peak_rss_bytes = peak_rss_;
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
  analysis.sites = ranked_sites(points, analysis, judged);
  if (options_.collect_stacks) analysis.stacks = stack_samples();
  analysis.modules = std::move(modules_);
  if (!summary.warning.empty()) analysis.warnings.push_back(summary.warning);
  for (const std::string& warning : frames_ahead_.warnings()) analysis.warnings.push_back(warning);
  return analysis;
}

// Stacks and module maps go to the symbolizing thread first, as the pipelined reader sends them.
class AheadThenSink final : public RecordSink {
 public:
  AheadThenSink(RecordSink& ahead, RecordSink& sink) : ahead_(ahead), sink_(sink) {}

  void on_meta(const RecordingMeta& meta) override { sink_.on_meta(meta); }
  void on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) override {
    ahead_.on_module_map(generation, modules);
    sink_.on_module_map(generation, modules);
  }
  void on_stack(uint32_t id, std::span<const uint64_t> ips) override {
    ahead_.on_stack(id, ips);
    sink_.on_stack(id, ips);
  }
  void on_heap_records(std::span<const HeapRecord> records) override { sink_.on_heap_records(records); }
  void on_unmatched_free(uint64_t time_ns, uint64_t address) override { sink_.on_unmatched_free(time_ns, address); }
  void on_rss(uint64_t time_ns, uint64_t bytes) override { sink_.on_rss(time_ns, bytes); }
  void on_snapshot(uint64_t time_ns, std::string_view name) override { sink_.on_snapshot(time_ns, name); }
  void on_child(uint64_t time_ns, int32_t pid, std::string_view path) override { sink_.on_child(time_ns, pid, path); }
  void on_command(uint64_t time_ns, const std::vector<std::string>& command) override {
    sink_.on_command(time_ns, command);
  }
  void on_end(uint64_t time_ns, int32_t wait_status) override { sink_.on_end(time_ns, wait_status); }

 private:
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

Analysis FollowingAnalysis::finish(const std::string& path) {
  std::lock_guard lock(following_->mutex);
  if (following_->failure) std::rethrow_exception(following_->failure);
  return following_->sink.finish(path, following_->summary);
}

Analysis analyze_recording(const std::string& path, const AnalysisOptions& options) {
  FramesAhead frames_ahead(options.symbolizer);
  AnalysisSink sink(options, frames_ahead);
  // Decoding and symbolization run on a second core.
  ReadSummary summary = read_recording_pipelined(path, sink, frames_ahead);
  return sink.finish(path, summary);
}

}  // namespace leakrank
