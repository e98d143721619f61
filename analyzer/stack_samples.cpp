#include "analyzer/stack_samples.h"

namespace leakrank {

void StackSamples::add(std::span<const Frame> stack, StackSample sample) {
  sample.frames.clear();
  for (const Frame& frame : stack) {
    sample.frames.push_back(uint32_t(frames.size()));
    frames.push_back(frame);
  }
  samples.push_back(std::move(sample));
}

}  // namespace leakrank
