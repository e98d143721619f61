#pragma once
// Stack and module map records held, in record order, until the symbolizing thread has made
// their frames: the heap replay goes on meanwhile, and only what needs a stack's site (a
// snapshot point, the final ranking) asks whether they are all in.
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "analyzer/frames_ahead.h"
#include "analyzer/site_grouping.h"

namespace leakrank {

class StacksInWaiting {
 public:
  StacksInWaiting(FramesAhead& frames_ahead, SiteGrouping& grouping)
      : frames_ahead_(frames_ahead), grouping_(grouping) {}

  void module_map(const std::vector<ModuleInfo>& modules);
  void stack(uint32_t id, std::span<const uint64_t> ips);

  // Hands the grouping every record whose frames are made, or, with wait, every record.
  // True when none is left waiting, so every stack read so far has its site.
  bool settle(bool wait);

 private:
  struct Waiting {
    std::optional<std::vector<ModuleInfo>> module_map;  // else a stack
    uint32_t stack_id = 0;
    std::vector<uint64_t> ips;
  };

  FramesAhead& frames_ahead_;
  SiteGrouping& grouping_;
  std::deque<Waiting> waiting_;
};

}  // namespace leakrank
