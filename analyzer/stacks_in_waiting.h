#pragma once
// Stack and module map records held, in record order, until the symbolizing thread has made
// their frames: the heap replay goes on meanwhile, and what needs a stack's site (a sample, a
// snapshot point, the final ranking) waits for those read so far. The symbolizing thread sees
// stack records ahead of the heap records, so it is seldom waited for; and a site's series
// never depend on how far it had got.
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

  // Hands the grouping every record held, waiting for their frames: every stack read so far
  // then has its site.
  void settle();

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
