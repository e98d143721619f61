#include "analyzer/stacks_in_waiting.h"

namespace leakrank {

void StacksInWaiting::module_map(const std::vector<ModuleInfo>& modules) {
  if (waiting_.empty()) grouping_.set_module_map(modules);
  else waiting_.push_back({modules, 0, {}});
}

void StacksInWaiting::stack(uint32_t id, std::span<const uint64_t> ips) {
  if (waiting_.empty()) {
    if (std::optional<StackFrames> frames = frames_ahead_.try_take()) {
      grouping_.add_stack(id, ips, *frames);
      return;
    }
  }
  waiting_.push_back({std::nullopt, id, std::vector<uint64_t>(ips.begin(), ips.end())});
}

void StacksInWaiting::settle() {
  for (; !waiting_.empty(); waiting_.pop_front()) {
    Waiting& next = waiting_.front();
    if (next.module_map) grouping_.set_module_map(*next.module_map);
    else grouping_.add_stack(next.stack_id, next.ips, frames_ahead_.take());
  }
}

}  // namespace leakrank
