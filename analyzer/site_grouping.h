#pragma once
// From call stacks to allocation sites. Each stack arrives with its frames, symbolized with
// the module map in force at its stack record (see FramesAhead), and is mapped to a site
// whose key is built from symbols, never addresses, so the same site matches across runs
// despite ASLR.
#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analyzer/allocation_wrappers.h"
#include "analyzer/analysis.h"  // GroupBy
#include "analyzer/frames_ahead.h"  // StackFrames

namespace leakrank {

struct SiteIdentity {
  std::string key;       // per GroupBy: function | function+file+line | every frame
  std::string function;  // the site's frame
  std::string file;
  uint32_t line = 0;
  std::string module;
};

class SiteGrouping {
 public:
  SiteGrouping(GroupBy group_by, bool keep_frames, AllocationWrappers wrappers = AllocationWrappers());

  void set_module_map(const std::vector<ModuleInfo>& modules);
  // frames: per return address, as FramesAhead made them.
  void add_stack(uint32_t stack_id, std::span<const uint64_t> ips, const StackFrames& frames);

  // The site of a stack; stacks that never had a stack record share an "unknown stack" site.
  uint32_t site_of(uint32_t stack_id);
  const std::vector<SiteIdentity>& sites() const { return sites_; }
  // The stack's frames, innermost first (inlined frames before the function they are in).
  std::vector<Frame> frames_of(uint32_t stack_id) const;
  bool knows_stack(uint32_t stack_id) const;

 private:
  struct FrameRange {  // a slice of frames_ (one return address) or of stack_frames_ (one stack)
    uint32_t first = 0;
    uint32_t count = 0;
  };
  struct StackEntry {
    FrameRange addresses;  // slice of stack_addresses_
    uint32_t site = 0;
    bool known = false;
  };

  uint32_t intern_address(uint64_t ip, const std::vector<Frame>& symbolized);
  std::vector<Frame> frames_in(FrameRange stack_range) const;
  std::vector<const Frame*> frames_at(FrameRange stack_range) const;
  std::string fallback_name(uint64_t ip) const;
  std::string frame_key(const Frame& frame) const;
  std::string stack_key(std::span<const Frame* const> frames) const;
  const Frame& site_frame(std::span<const Frame* const> frames);
  uint32_t intern_site(std::span<const Frame* const> frames);

  GroupBy group_by_;
  bool keep_frames_;
  AllocationWrappers wrappers_;
  std::vector<ModuleInfo> module_map_;                        // in force, sorted by start
  absl::flat_hash_map<uint64_t, uint32_t> address_index_;     // ip -> addresses_, this module map
  std::vector<FrameRange> addresses_;                         // per interned ip: slice of frames_
  std::vector<Frame> frames_;
  std::vector<uint32_t> stack_addresses_;                     // per stack: indexes into addresses_
  std::vector<StackEntry> stacks_;                            // indexed by stack id
  absl::flat_hash_map<std::string, uint32_t> site_index_;     // key -> sites_
  std::vector<SiteIdentity> sites_;
};

}  // namespace leakrank
