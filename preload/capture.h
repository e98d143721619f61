#pragma once
// Capture: turns one allocator call into ring messages (the stack once, then small events).
#include <cstddef>
#include <cstdint>

#include "preload/stack_capture.h"

namespace leakrank::preload {

struct CaptureConfig {
  int max_depth = 64;
  uint64_t sample_bytes = 0;  // 0: every allocation
};

bool init_capture(const CaptureConfig& config);  // once per process image
void reset_capture_after_fork();                 // the child's new session has seen no stacks

// Call after the real allocation returned, so another thread's earlier free of the
// same address takes an earlier sequence number.
void record_alloc(void* address, size_t size, const CallSite& site);
// Call before the real free, for the same reason.
void record_free(void* address);

}  // namespace leakrank::preload
