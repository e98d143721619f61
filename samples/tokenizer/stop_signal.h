#pragma once

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

// Turns SIGINT and SIGTERM into a stop request that threads can wait on. The
// signals are blocked in the constructing thread (and every thread it starts
// afterwards) and taken by a watcher thread with sigwait, so no signal handler
// has to touch locks.
class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // Sleeps until `deadline`; true (early) when a stop was requested.
  bool wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  void watch();

  sigset_t signals_;
  std::mutex mutex_;
  std::condition_variable requested_changed_;
  bool requested_ = false;
  std::thread watcher_;
};
