#pragma once
// The target's stack ids, mapped to the recording's dense ones. The target's ids are slots
// of its stack table, spread over millions of values however few stacks it meets: a flat
// array indexed by id had to be zeroed up to the largest one (24 MiB for a run of eleven
// stacks, a quarter of a sampled churn run's overhead). Pages of 4096 ids are made as ids
// land in them; a lookup, which every allocation makes, is still two loads.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace leakrank {

class SparseIdMap {
 public:
  uint32_t get(uint32_t id) const {  // 0: not set
    size_t page = id >> kPageBits;
    return page < pages_.size() && pages_[page] ? (*pages_[page])[id & kPageMask] : 0;
  }

  void set(uint32_t id, uint32_t value) {
    size_t page = id >> kPageBits;
    if (page >= pages_.size()) pages_.resize(page + 1);
    if (!pages_[page]) pages_[page] = std::make_unique<Page>();  // zeroed
    (*pages_[page])[id & kPageMask] = value;
  }

 private:
  static constexpr unsigned kPageBits = 12;
  static constexpr uint32_t kPageMask = (1u << kPageBits) - 1;
  using Page = std::array<uint32_t, size_t(1) << kPageBits>;

  std::vector<std::unique_ptr<Page>> pages_;
};

}  // namespace leakrank
