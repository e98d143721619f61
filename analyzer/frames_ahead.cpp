#include "analyzer/frames_ahead.h"

#include <stdexcept>

namespace leakrank {

void FramesAhead::on_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules) {
  symbolizer_.set_module_map(generation, modules);
}

void FramesAhead::on_stack(uint32_t id, std::span<const uint64_t> ips) {
  if (!guard_.accept(id)) return;
  StackFrames frames;
  frames.reserve(ips.size());
  for (uint64_t ip : ips) frames.push_back(&symbolizer_.frames(ip));
  std::lock_guard lock(mutex_);
  ready_.push_back(std::move(frames));
}

StackFrames FramesAhead::take() {
  std::lock_guard lock(mutex_);
  if (ready_.empty()) throw std::logic_error("stack frames taken before the decoding thread made them");
  StackFrames frames = std::move(ready_.front());
  ready_.pop_front();
  return frames;
}

}  // namespace leakrank
