#pragma once
// Symbolizes stacks on the decoding thread, ahead of the analysis that needs their frames:
// loading debug information takes a good part of a second for large programs, and done
// in line it would stall the heap replay while the decoder waits with nothing to do.
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "analyzer/stack_id_guard.h"
#include "analyzer/symbolizer.h"
#include "recording/recording_reader.h"

namespace leakrank {

// Frames of each return address of one stack, in stack order. They point into the
// symbolizer's cache, whose entries never change or move once made.
using StackFrames = std::vector<const std::vector<Frame>*>;

class FramesAhead final : public RecordSink {
 public:
  explicit FramesAhead(const SymbolizerOptions& options) : symbolizer_(options) {}

  // --- decoding thread ---
  void on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) override;
  void on_stack(uint32_t id, std::span<const uint64_t> ips) override;

  // --- analysis thread ---
  // The frames of the oldest stack record accepted and not yet taken: the analysis takes
  // them as it meets the same stack records in the same order.
  StackFrames take();
  // Read once the decoding thread has ended.
  const std::vector<std::string>& warnings() const { return symbolizer_.warnings(); }

 private:
  Symbolizer symbolizer_;
  StackIdGuard guard_;
  std::mutex mutex_;
  std::deque<StackFrames> ready_;
};

}  // namespace leakrank
