#include "rate_limiter.h"

RateLimiter::RateLimiter(double docs_per_second, StopSignal& stop)
    : docs_per_second_(docs_per_second), stop_(stop), start_(std::chrono::steady_clock::now()) {}

bool RateLimiter::wait_for(std::uint64_t index) {
  const std::chrono::duration<double> offset(static_cast<double>(index) / docs_per_second_);
  return !stop_.wait_until(start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(offset));
}
