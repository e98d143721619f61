#include "stop_signal.h"

#include <pthread.h>

StopSignal::StopSignal() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  watcher_ = std::thread([this] { watch(); });
}

StopSignal::~StopSignal() {
  bool requested;
  {
    std::lock_guard lock(mutex_);
    requested = requested_;
  }
  // The run ended on its own: wake the watcher with a signal only it will take.
  if (!requested) pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

bool StopSignal::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return requested_changed_.wait_until(lock, deadline, [this] { return requested_; });
}

void StopSignal::watch() {
  int signal = 0;
  sigwait(&signals_, &signal);
  std::lock_guard lock(mutex_);
  requested_ = true;
  requested_changed_.notify_all();
}
