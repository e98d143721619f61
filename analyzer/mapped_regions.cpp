#include "analyzer/mapped_regions.h"

#include <algorithm>
#include <iterator>

namespace leakrank {
namespace {

// The kernel maps and unmaps whole pages. Sizes near the top of the address space are
// damage, not mappings: they are clamped so that ends never wrap.
constexpr uint64_t kPageBytes = 4096;
constexpr uint64_t kHighestEnd = ~uint64_t(0) & ~(kPageBytes - 1);

uint64_t page_start(uint64_t address) { return address & ~(kPageBytes - 1); }
uint64_t page_end(uint64_t address, uint64_t size) {
  uint64_t end = address + size;
  if (end < address || end > kHighestEnd - kPageBytes) return kHighestEnd;
  return page_start(end + kPageBytes - 1);
}

}  // namespace

void MappedRegions::map(const MapRecord& record, std::vector<HeapRecord>& out) {
  bool moved = record.moved_from != 0;
  if (moved && !last_unmap_ended_mapping_) return;  // an mremap of something not recorded (a file)
  last_unmap_ended_mapping_ = false;
  uint64_t start = page_start(record.address), end = page_end(record.address, record.size);
  if (end <= start) return;
  remove(record.time_ns, start, end, out);  // MAP_FIXED over an older mapping or reservation replaces it
  unreserve(start, end);
  add(record.time_ns, start, end, record.stack_id, out);
}

void MappedRegions::unmap(const UnmapRecord& record, std::vector<HeapRecord>& out) {
  uint64_t start = page_start(record.address), end = page_end(record.address, record.size);
  if (end <= start) return void(last_unmap_ended_mapping_ = false);
  unreserve(start, end);
  last_unmap_ended_mapping_ = !remove(record.time_ns, start, end, out).empty();
}

void MappedRegions::access(const AccessRecord& record, std::vector<HeapRecord>& out) {
  uint64_t start = page_start(record.address), end = page_end(record.address, record.size);
  if (end <= start) return;
  switch (record.change) {
    case AccessRecord::reserve:  // a mapping of its own: MAP_FIXED over older ones replaces them
      remove(record.time_ns, start, end, out);
      unreserve(start, end);
      reserved_[start] = end;
      break;
    case AccessRecord::commit:
      for (Range piece : unreserve(start, end)) add(record.time_ns, piece.start, piece.end, record.stack_id, out);
      break;
    case AccessRecord::decommit:
      for (Range piece : remove(record.time_ns, start, end, out)) reserved_[piece.start] = piece.end;
      break;
    default: break;  // damage: no change is known by that number
  }
}

void MappedRegions::add(uint64_t time_ns, uint64_t start, uint64_t end, uint32_t stack_id,
                        std::vector<HeapRecord>& out) {
  regions_[start] = {end, stack_id};
  mapped_bytes_ += end - start;
  if (stack_id >= mapping_stacks_.size()) mapping_stacks_.resize(size_t(stack_id) + 1);
  mapping_stacks_[stack_id] = true;
  out.push_back({time_ns, end - start, stack_id, HeapEvent::alloc});
}

// Frees every region that [start, end) touches and maps again the parts outside it.
// Returns the parts inside that were mapped.
std::vector<MappedRegions::Range> MappedRegions::remove(uint64_t time_ns, uint64_t start, uint64_t end,
                                                        std::vector<HeapRecord>& out) {
  auto it = regions_.upper_bound(start);
  if (it != regions_.begin() && std::prev(it)->second.end > start) --it;
  std::vector<Range> removed;
  while (it != regions_.end() && it->first < end) {
    uint64_t region_start = it->first;
    Region region = it->second;
    it = regions_.erase(it);
    mapped_bytes_ -= region.end - region_start;
    removed.push_back({std::max(region_start, start), std::min(region.end, end)});
    out.push_back({time_ns, region.end - region_start, region.stack_id, HeapEvent::free});
    if (region_start < start) add(time_ns, region_start, start, region.stack_id, out);
    if (region.end > end) add(time_ns, end, region.end, region.stack_id, out);
  }
  return removed;
}

// Cuts [start, end) out of the reserved pages, keeping what lies outside it. Returns the
// parts inside that were reserved.
std::vector<MappedRegions::Range> MappedRegions::unreserve(uint64_t start, uint64_t end) {
  auto it = reserved_.upper_bound(start);
  if (it != reserved_.begin() && std::prev(it)->second > start) --it;
  std::vector<Range> cut;
  while (it != reserved_.end() && it->first < end) {
    Range piece{it->first, it->second};
    it = reserved_.erase(it);
    cut.push_back({std::max(piece.start, start), std::min(piece.end, end)});
    if (piece.start < start) reserved_[piece.start] = start;
    if (piece.end > end) it = reserved_.emplace(end, piece.end).first;
  }
  return cut;
}

}  // namespace leakrank
