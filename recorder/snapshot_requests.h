#pragma once
// Asking a running recorder (leakrank run or attach) for a named snapshot from outside.
//
// The channel: the requester writes the name into a request file in a per-user folder
// (/run/user/<uid>/leakrank, else /tmp/leakrank-<uid>, both 0700), keyed by the recorder's pid
// and start time so that a reused pid never inherits stale requests, then queues SIGUSR2 with a
// marker value. The recorder takes every pending request of its own, marks the snapshots and
// deletes the files; the requester waits for its file to go, so success means "marked".
// A plain `kill -USR2 <recorder>` still asks for a snapshot, named snapshot-N.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace leakrank {

// --- recorder side ---

// Installs the SIGUSR2 handler. Call once, before the recording starts.
void install_snapshot_request_handler();

class SnapshotRequests {
 public:
  // Names of the snapshots asked for since the last call, oldest first: the requested names,
  // then "snapshot-N" for each plain SIGUSR2. Cheap when nothing was asked (no file access).
  std::vector<std::string> take();

 private:
  int unnamed_count_ = 0;
};

// --- requester side ---

// Throws std::runtime_error (one line) when pid is not a recording leakrank process, the
// request cannot be written or sent, or the recorder did not take it within `wait`.
void request_snapshot(pid_t recorder, const std::string& name,
                      std::chrono::milliseconds wait = std::chrono::seconds(5));

}  // namespace leakrank
