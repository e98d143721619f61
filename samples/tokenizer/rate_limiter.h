#pragma once

#include <chrono>
#include <cstdint>

#include "stop_signal.h"

// Paces a stream at a steady number of documents per second, as requests would
// arrive at a service. Falls behind silently when processing is slower.
class RateLimiter {
 public:
  RateLimiter(double docs_per_second, StopSignal& stop);
  // Waits until document `index` is due; false when the stream must stop instead.
  bool wait_for(std::uint64_t index);

 private:
  double docs_per_second_;
  StopSignal& stop_;
  std::chrono::steady_clock::time_point start_;
};
