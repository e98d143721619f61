#pragma once
// What a recorder does on a clock, whether it launched its target (run) or attached to it:
// sample RSS and the command line, mark periodic and requested snapshots, flush the files.
// One tick per loop turn.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "recorder/process_recorder.h"
#include "recorder/snapshot_requests.h"
#include "recorder/snapshot_schedule.h"

namespace leakrank {

class RecordingCadence {
 public:
  RecordingCadence(double rss_interval_s, std::optional<double> snapshot_every_s);

  // processes[0] is the recorded process; named snapshots go to it, the rest to all.
  // Returns true when RSS was sampled in this tick. Notes get one line per named snapshot.
  bool tick(uint64_t elapsed_ns, std::span<ProcessRecorder* const> processes, std::vector<std::string>& notes);

 private:
  uint64_t rss_interval_ns_;
  uint64_t next_rss_ns_ = 0;
  uint64_t next_flush_ns_ = 0;
  SnapshotSchedule snapshots_;
  SnapshotRequests requests_;
};

// Sleeps a moment when a loop turn found nothing to drain.
void pause_when_idle();

// Paces the drain loop. After a short drain the rings fill slowly, and draining again at
// once would read each cache line while its writer is still filling it, making the writer
// fetch the line back for its next store (measured: most of an event's cost). So the loop
// naps: 1 ms while events flow, doubling to 4 ms while only a trickle comes (an idle or a
// sampled target, for which the naps are the recorder's whole cost), and woken at once
// when the target exits.
class DrainPacer {
 public:
  // target_pidfd: readable once the target has exited; -1 to nap the full time.
  void pause_after_drain(uint64_t slots, int target_pidfd);

 private:
  int nap_ms_ = 1;
};

// Metadata of a recording that starts at time_zero_ns (CLOCK_MONOTONIC).
RecordingMeta recording_meta(int32_t pid, int32_t parent_pid, std::vector<std::string> command,
                             uint64_t time_zero_ns, uint64_t sample_bytes, uint32_t max_depth, bool attached);

}  // namespace leakrank
