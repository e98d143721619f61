#include "recorder/recording_cadence.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <chrono>

#include "transport/monotonic_clock.h"

namespace leakrank {
namespace {

constexpr uint64_t kFlushPeriodNs = 500'000'000;  // a killed recorder loses at most this much

std::string milliseconds_text(uint64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

// Ends early when wake_fd (a pidfd: the target exited) becomes readable, or on a signal,
// which the loop wants too; wake_fd -1 naps the full time.
void nap(int milliseconds, int wake_fd) {
  if (wake_fd >= 0) {
    pollfd woken{wake_fd, POLLIN, 0};
    poll(&woken, 1, milliseconds);
    return;
  }
  timespec duration{0, long(milliseconds) * 1'000'000};
  nanosleep(&duration, nullptr);
}

}  // namespace

RecordingCadence::RecordingCadence(double rss_interval_s, std::optional<double> snapshot_every_s)
    : rss_interval_ns_(uint64_t(rss_interval_s * 1e9)), snapshots_(snapshot_every_s) {}

bool RecordingCadence::tick(uint64_t elapsed_ns, std::span<ProcessRecorder* const> processes,
                            std::vector<std::string>& notes) {
  bool sampled = elapsed_ns >= next_rss_ns_;
  if (sampled) {
    next_rss_ns_ = elapsed_ns + rss_interval_ns_;
    for (ProcessRecorder* process : processes) {
      process->sample_rss();
      process->refresh_command();
    }
  }
  if (snapshots_.due(elapsed_ns))
    for (ProcessRecorder* process : processes) process->mark_snapshot("");
  for (const std::string& name : requests_.take()) {
    processes.front()->mark_snapshot(name);
    notes.push_back("snapshot '" + name + "' marked at " + milliseconds_text(elapsed_ns));
  }
  if (elapsed_ns >= next_flush_ns_) {
    next_flush_ns_ = elapsed_ns + kFlushPeriodNs;
    for (ProcessRecorder* process : processes) process->flush();
  }
  return sampled;
}

void pause_when_idle() { nap(1, -1); }

void DrainPacer::pause_after_drain(uint64_t slots, int target_pidfd) {
  constexpr uint64_t kShortDrainSlots = 4096;  // an eighth of one ring: no ring fills during the nap
  constexpr uint64_t kTrickleSlots = 512;      // four naps of this rate still fill less than that
  constexpr int kLongestNapMs = 4;
  if (slots >= kTrickleSlots) nap_ms_ = 1;
  if (slots >= kShortDrainSlots) return;
  nap(nap_ms_, target_pidfd);
  if (slots < kTrickleSlots) nap_ms_ = std::min(2 * nap_ms_, kLongestNapMs);
}

RecordingMeta recording_meta(int32_t pid, int32_t parent_pid, std::vector<std::string> command,
                             uint64_t time_zero_ns, uint64_t sample_bytes, uint32_t max_depth, bool attached) {
  using namespace std::chrono;
  RecordingMeta meta;
  meta.command = std::move(command);
  meta.pid = pid;
  meta.parent_pid = parent_pid;
  int64_t unix_now = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
  meta.start_unix_ns = unix_now - int64_t(monotonic_ns() - time_zero_ns);
  meta.sample_bytes = sample_bytes;
  meta.max_depth = max_depth;
  meta.attached = attached ? 1 : 0;
  meta.tool_version = "leakrank 0.1.0";
  return meta;
}

}  // namespace leakrank
