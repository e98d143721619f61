#include "analyzer/mapped_regions.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

namespace leakrank {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kBase = 0x7f0000000000;

// The mappings' live bytes per stack, replayed from the heap records they made.
class Replay {
 public:
  void map(uint64_t address, uint64_t size, uint32_t stack) { apply([&](auto& out) { regions_.map({0, address, size, stack, 0}, out); }); }
  void unmap(uint64_t address, uint64_t size) { apply([&](auto& out) { regions_.unmap({0, address, size}, out); }); }
  void access(uint32_t change, uint64_t address, uint64_t size, uint32_t stack = 0) {
    apply([&](auto& out) { regions_.access({0, change, address, size, stack}, out); });
  }
  uint64_t live(uint32_t stack) const { return live_.contains(stack) ? live_.at(stack) : 0; }
  uint64_t mapped() const { return regions_.mapped_bytes(); }
  const MappedRegions& regions() const { return regions_; }
  void forget_all() { regions_.forget_all(); }

 private:
  template <class Change>
  void apply(Change change) {
    std::vector<HeapRecord> out;
    change(out);
    for (const HeapRecord& r : out) live_[r.stack_id] += r.is_free() ? -r.size : r.size;
  }

  MappedRegions regions_;
  std::map<uint32_t, uint64_t> live_;
};

}  // namespace

TEST_CASE("a reservation holds nothing until mprotect commits its pages") {
  Replay replay;
  replay.access(AccessRecord::reserve, kBase, 64 * kPage);
  CHECK(replay.mapped() == 0);
  replay.access(AccessRecord::commit, kBase, 4 * kPage, 7);
  replay.access(AccessRecord::commit, kBase + 8 * kPage, 2 * kPage + 1, 7);  // a partial page is a page
  CHECK(replay.live(7) == 7 * kPage);
  CHECK(replay.regions().is_mapping_stack(7));
  // Committing committed pages again (W^X flips of JIT code) adds nothing.
  replay.access(AccessRecord::commit, kBase, 16 * kPage, 8);
  CHECK(replay.live(7) == 7 * kPage);
  CHECK(replay.live(8) == 9 * kPage);
}

TEST_CASE("a decommit gives committed pages back to the reservation, to be committed again") {
  Replay replay;
  replay.access(AccessRecord::reserve, kBase, 16 * kPage);
  replay.access(AccessRecord::commit, kBase, 8 * kPage, 1);
  replay.access(AccessRecord::decommit, kBase + 2 * kPage, 2 * kPage);
  CHECK(replay.live(1) == 6 * kPage);
  replay.access(AccessRecord::commit, kBase, 4 * kPage, 2);
  CHECK(replay.live(2) == 2 * kPage);
  replay.unmap(kBase, 16 * kPage);
  CHECK(replay.mapped() == 0);
  CHECK(replay.live(1) == 0);
  replay.access(AccessRecord::commit, kBase, 16 * kPage, 3);  // unmapped: nothing reserved is left
  CHECK(replay.live(3) == 0);
}

TEST_CASE("memory that was never reserved is not counted by protection changes") {
  Replay replay;
  // A page of malloc's memory or of a file, turned off and on (a guard page): not the program's new memory.
  replay.access(AccessRecord::decommit, kBase, kPage);
  replay.access(AccessRecord::commit, kBase, kPage, 1);
  CHECK(replay.live(1) == 0);
  // A guard page of a mapping is the mapping's no longer, and comes back with the commit's stack.
  replay.map(kBase + kPage, 8 * kPage, 2);
  replay.access(AccessRecord::decommit, kBase + kPage, kPage);
  CHECK(replay.live(2) == 7 * kPage);
  replay.access(AccessRecord::commit, kBase + kPage, kPage, 3);
  CHECK(replay.live(3) == kPage);
}

TEST_CASE("a mapping over a reservation, and a reservation over a mapping, replace what was there") {
  Replay replay;
  replay.access(AccessRecord::reserve, kBase, 32 * kPage);
  replay.map(kBase, 8 * kPage, 1);  // a JVM commits with mmap(MAP_FIXED) ...
  CHECK(replay.live(1) == 8 * kPage);
  replay.access(AccessRecord::reserve, kBase, 8 * kPage);  // ... and uncommits with mmap(PROT_NONE, MAP_FIXED)
  CHECK(replay.live(1) == 0);
  replay.access(AccessRecord::commit, kBase, 32 * kPage, 2);
  CHECK(replay.live(2) == 32 * kPage);
  replay.forget_all();  // an exec
  CHECK(replay.mapped() == 0);
}

TEST_CASE("a damaged change number changes nothing") {
  Replay replay;
  replay.access(AccessRecord::reserve, kBase, 4 * kPage);
  replay.access(77, kBase, 4 * kPage, 1);
  replay.access(AccessRecord::commit, kBase, ~uint64_t(0), 1);  // a size past the top of memory is clamped
  CHECK(replay.live(1) == 4 * kPage);
}

}  // namespace leakrank
