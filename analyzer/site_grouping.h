#pragma once
// From call stacks to allocation sites. Each stack arrives with its frames, symbolized with
// the module map in force at its stack record (see FramesAhead), and is mapped to a site
// whose key is built from symbols, never addresses, so the same site matches across runs
// despite ASLR.
//
// Which frame names a site depends on every stack: a function that only forwards to the
// allocator for many callers, or an inlined helper shared by several functions, is a
// wrapper, and its callers are the sites (detected_wrappers.h). So stacks are first grouped
// by call path: the first frame past the runtime and the known wrappers, and its caller's
// frames. Every site the stacks of one path can have is in it; resolve() maps paths to
// sites once all stacks are in.
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analyzer/allocation_wrappers.h"
#include "analyzer/analysis.h"  // GroupBy, SkippedWrapper
#include "analyzer/detected_wrappers.h"
#include "analyzer/frames_ahead.h"  // StackFrames

namespace leakrank {

struct SiteIdentity {
  std::string key;       // per GroupBy: function | function+file+line | every frame
  std::string function;  // the site's frame
  std::string file;
  uint32_t line = 0;
  std::string module;
};

struct ResolvedSites {
  std::vector<SiteIdentity> sites;
  std::vector<uint32_t> site_of_path;              // indexed by SiteGrouping::site_of's numbers
  std::vector<std::vector<uint32_t>> paths_of_site;
  std::vector<SkippedWrapper> skipped_wrappers;    // the most used first
};

class SiteGrouping {
 public:
  SiteGrouping(GroupBy group_by, bool keep_frames, AllocationWrappers wrappers = AllocationWrappers());

  void set_module_map(const std::vector<ModuleInfo>& modules);
  // frames: per return address, as FramesAhead made them.
  void add_stack(uint32_t stack_id, std::span<const uint64_t> ips, const StackFrames& frames);

  // The call path of a stack: the provisional site SiteSeries tracks, which resolve() maps
  // to its site. Stacks that never had a stack record share an "unknown stack" path.
  uint32_t site_of(uint32_t stack_id);
  // The sites of every path so far, with the wrappers their stacks skipped.
  ResolvedSites resolve();

  // The stack's frames, innermost first (inlined frames before the function they are in).
  std::vector<Frame> frames_of(uint32_t stack_id) const;
  // The same as indexes into frames(): stacks share most of their frames, and an
  // interpreter's run a hundred deep, so every stack's copy would take gigabytes.
  std::vector<uint32_t> frame_indexes_of(uint32_t stack_id) const;
  // Every frame of every return address seen, once per module map.
  const std::vector<Frame>& frames() const { return frames_; }
  bool knows_stack(uint32_t stack_id) const;

 private:
  struct FrameRange {  // a slice of frames_ (one return address) or of stack_addresses_ (one stack)
    uint32_t first = 0;
    uint32_t count = 0;
  };
  struct StackEntry {
    FrameRange addresses;  // slice of stack_addresses_
    uint32_t path = 0;
    bool known = false;
  };
  struct FrameAt {      // one of a stack's frames
    uint32_t frame;      // index into frames_
    uint32_t address;    // index into addresses_: the return address it belongs to
  };
  struct CallPathEntry {
    std::vector<uint32_t> frames;          // indexes into frames_, innermost first; empty: unknown stack
    std::vector<uint32_t> known_wrappers;  // frames skipped before them, one per function
    uint32_t stacks = 0;
    uint32_t first_stack = 0;
  };

  uint32_t intern_address(uint64_t ip, const std::vector<Frame>& symbolized);
  std::vector<Frame> frames_in(FrameRange stack_range) const;
  std::vector<FrameAt> frames_at(FrameRange stack_range) const;
  void place_python_frames(std::vector<FrameAt>& frames) const;
  std::string fallback_name(uint64_t ip) const;
  std::string frame_key(const Frame& frame) const;
  std::string stack_key(std::span<const FrameAt> frames) const;
  bool is_own(const Frame& frame);
  uint32_t intern_path(std::span<const FrameAt> frames);
  CallPathEntry call_path(std::span<const FrameAt> frames, size_t& further_out);
  uint32_t innermost_function(std::span<const FrameAt> frames) const;
  std::string path_key(std::span<const FrameAt> frames, const CallPathEntry& path) const;
  std::vector<CallPath> call_paths() const;
  absl::flat_hash_set<std::string_view> functions_further_out() const;
  SiteIdentity identity(uint32_t path, const CallPath& frames, size_t site) const;

  GroupBy group_by_;
  bool keep_frames_;
  AllocationWrappers wrappers_;
  std::vector<ModuleInfo> module_map_;                        // in force, sorted by start
  absl::flat_hash_map<uint64_t, uint32_t> address_index_;     // ip -> addresses_, this module map
  std::vector<FrameRange> addresses_;                         // per interned ip: slice of frames_
  std::vector<bool> further_out_;                             // per interned ip: past some stack's call path
  std::vector<Frame> frames_;
  std::vector<uint32_t> stack_addresses_;                     // per stack: indexes into addresses_
  std::vector<StackEntry> stacks_;                            // indexed by stack id
  absl::flat_hash_map<std::string, uint32_t> path_index_;     // key -> paths_
  std::vector<CallPathEntry> paths_;
};

}  // namespace leakrank
