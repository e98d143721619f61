#pragma once
// Records one process: drains its session in time order, gives its stacks dense ids,
// samples its RSS, follows its command, marks snapshots and writes its recording.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "recorder/perf_map_tail.h"
#include "recorder/process_command.h"
#include "recorder/process_maps.h"
#include "recorder/ring_drain.h"
#include "recorder/sparse_id_map.h"
#include "recording/recording_writer.h"

namespace leakrank {

struct ProcessStats {
  uint64_t allocations = 0;
  uint64_t frees = 0;
  uint64_t stacks = 0;
  uint64_t peak_rss_bytes = 0;
};

class ProcessRecorder {
 public:
  // time_zero_ns: CLOCK_MONOTONIC at which the recording's time starts.
  ProcessRecorder(SessionHeader* session, const std::string& path, const RecordingMeta& meta, uint64_t time_zero_ns,
                  BlockObserver observer = {});
  ~ProcessRecorder();

  uint64_t drain();                    // returns slots moved; cheap when idle
  void sample_rss();
  void refresh_command();              // after an exec or a new title, says what runs now
  void mark_snapshot(std::string_view name);
  void note_child(pid_t pid, const std::string& recording_path);
  // Addresses the process reserved before it was recorded (attach), so that its commits in
  // them count; before the first drain, since what it drains may already change them.
  void note_reservations(const std::vector<MapsEntry>& reserved);
  void flush();                        // what is drained reaches the file: a killed recorder loses little
  void finish(int wait_status);        // final drain, end record, flush; idempotent
  // Module paths go through this before they are written: the target's own paths may not
  // open here (attach into a container). Unset, they are written as the target sent them.
  void name_module_files_with(std::function<std::string(const std::string&)> file_from_here) {
    file_from_here_ = std::move(file_from_here);
  }

  pid_t pid() const { return pid_; }
  const std::string& path() const { return writer_.path(); }
  const ProcessStats& stats() const { return stats_; }
  uint64_t file_bytes() const { return writer_.file_bytes(); }
  SessionHeader* session() const { return session_; }

 private:
  uint64_t drain_messages(bool final);
  bool stack_is_defined(const wire::Event& header) const;
  void on_message(uint32_t ring, std::span<const wire::Event> message);
  void on_stack(uint32_t ring, const wire::Event& header, std::span<const wire::Event> payload);
  void on_module(const wire::Event& header, std::span<const wire::Event> payload);
  void write_module_map();
  uint64_t recording_time(uint64_t monotonic);  // never earlier than the last record written

  // Allocations and frees wait here for a few messages while the writer's lookups of their
  // live blocks are prefetched: with many long-lived blocks (python3's) nearly every lookup
  // misses the cache. Any other message, and the end of a drain, lets them through first.
  struct HeapMessage {
    uint64_t address = 0;
    uint64_t size = 0;
    uint32_t stack_id = 0;
    bool is_alloc = false;
  };
  HeapMessage heap_message(uint32_t ring, const wire::Event& header);  // counts it too
  uint32_t stack_of(uint32_t ring, const wire::Event& header) const;  // the dense id it names
  void on_python_code(const wire::Event& header, std::span<const wire::Event> payload);
  bool holds_unmapped_code(std::span<const uint64_t> frames) const;
  void write_perf_map_lines();
  void queue_heap_message(const HeapMessage& message);
  void write_heap_message(const HeapMessage& message);
  void write_oldest_queued();
  void write_queued_heap_messages();

  SessionHeader* session_;
  pid_t pid_;
  RecordingWriter writer_;
  RingDrain drain_;
  ProcessCommand command_;
  uint64_t time_zero_ns_;
  uint64_t last_time_ = 0;
  uint64_t now_ = 0;  // recording time given to the messages of the current drain
  bool finished_ = false;
  ProcessStats stats_;
  uint32_t dense_id(uint32_t target_id) const { return dense_id_of_.get(target_id); }

  // The file gets dense ids, each stack defined once.
  SparseIdMap dense_id_of_;
  absl::flat_hash_map<uint64_t, uint32_t> dense_id_of_content_;
  std::vector<uint32_t> anonymous_stack_of_ring_;  // stacks sent without an id (full table)
  std::vector<uint64_t> frames_;
  uint32_t module_generation_ = 0;
  uint64_t modules_expected_ = 0;
  std::vector<ModuleInfo> modules_;
  std::function<std::string(const std::string&)> file_from_here_;
  PerfMapTail perf_map_;
  static constexpr size_t kLookahead = 16;  // messages: enough for a miss to be served meanwhile
  std::array<HeapMessage, kLookahead> lookahead_{};
  size_t lookahead_oldest_ = 0;
  size_t lookahead_count_ = 0;
};

}  // namespace leakrank
