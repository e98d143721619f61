#pragma once
// The program's anonymous mappings, as map, unmap and access records describe them, turned
// into the allocations and frees the live heap understands: a mapping is a block of its
// stack, so it is ranked beside heap sites. Unmapping part of a mapping frees the whole and
// allocates what remains, so live bytes stay exact (totals count the remains again). Pages
// committed inside a reservation are mappings of the commit's stack; reserved pages are
// kept apart, holding nothing, so that only their commits count.
#include <cstdint>
#include <map>
#include <vector>

#include "recording/record_kinds.h"
#include "recording/record_sink.h"  // HeapRecord

namespace leakrank {

class MappedRegions {
 public:
  // Each appends to `out` the heap records that the change makes.
  void map(const MapRecord& record, std::vector<HeapRecord>& out);
  void unmap(const UnmapRecord& record, std::vector<HeapRecord>& out);
  void access(const AccessRecord& record, std::vector<HeapRecord>& out);
  void forget_all() {  // the image is gone (exec): so are its mappings
    regions_.clear();
    reserved_.clear();
    mapped_bytes_ = 0;
  }
  uint64_t mapped_bytes() const { return mapped_bytes_; }

  // Stacks that made a mapping: their sites are mappings, not heap blocks.
  bool is_mapping_stack(uint32_t stack_id) const {
    return stack_id < mapping_stacks_.size() && mapping_stacks_[stack_id];
  }

 private:
  struct Region {
    uint64_t end;
    uint32_t stack_id;
  };

  struct Range {
    uint64_t start, end;
  };

  void add(uint64_t time_ns, uint64_t start, uint64_t end, uint32_t stack_id, std::vector<HeapRecord>& out);
  std::vector<Range> remove(uint64_t time_ns, uint64_t start, uint64_t end, std::vector<HeapRecord>& out);
  std::vector<Range> unreserve(uint64_t start, uint64_t end);

  std::map<uint64_t, Region> regions_;  // by start address; never overlapping
  std::map<uint64_t, uint64_t> reserved_;  // start -> end of reserved pages; apart from regions_
  std::vector<bool> mapping_stacks_;
  uint64_t mapped_bytes_ = 0;
  bool last_unmap_ended_mapping_ = false;  // a moved range counts only if its old range did
};

}  // namespace leakrank
