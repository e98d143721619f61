#pragma once
// Which stack records the analysis takes. Recorders number stacks densely and per-stack
// tables are indexed by id, so an id far beyond the stacks defined so far (a damaged or
// hostile file) must not size them. Both threads of an analysis decide alike with it.
#include <algorithm>
#include <cstdint>

namespace leakrank {

class StackIdGuard {
 public:
  bool accept(uint32_t id) {
    if (uint64_t(id) > 4 * (uint64_t(defined_) + 1024)) return false;
    ++defined_;
    highest_ = std::max(highest_, id);
    return true;
  }
  uint32_t highest() const { return highest_; }

 private:
  uint32_t defined_ = 0;
  uint32_t highest_ = 0;
};

}  // namespace leakrank
