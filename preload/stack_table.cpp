#include "preload/stack_table.h"

namespace leakrank::preload {
namespace {

// Key 0 marks an empty slot; a real hash of 0 is remapped.
uint64_t nonzero(uint64_t hash) { return hash ? hash : 0x9e3779b97f4a7c15ULL; }

}  // namespace

bool StackTable::init(uint32_t capacity_log2) {
  used_.store(0, std::memory_order_relaxed);
  return slots_.allocate(uint64_t(1) << capacity_log2);
}

StackTable::Lookup StackTable::find_or_insert(uint64_t hash) {
  if (!slots_.ready()) return {};
  uint64_t key = nonzero(hash);
  for (uint64_t probe = 0, i = key & slots_.mask(); probe <= slots_.mask(); ++probe, i = (i + 1) & slots_.mask()) {
    uint64_t current = slots_[i].load(std::memory_order_acquire);
    if (current == key) return {uint32_t(i + 1), false};
    if (current != 0) continue;
    // Keep the table at most 3/4 full so probe sequences stay short.
    if (used_.load(std::memory_order_relaxed) * 4 >= (slots_.mask() + 1) * 3) return {};
    if (slots_[i].compare_exchange_strong(current, key, std::memory_order_acq_rel)) {
      used_.fetch_add(1, std::memory_order_relaxed);
      return {uint32_t(i + 1), true};
    }
    if (current == key) return {uint32_t(i + 1), false};  // another thread inserted it just now
  }
  return {};
}

uint32_t StackTable::find(uint64_t hash) const {
  if (!slots_.ready()) return kNoId;
  uint64_t key = nonzero(hash);
  for (uint64_t probe = 0, i = key & slots_.mask(); probe <= slots_.mask(); ++probe, i = (i + 1) & slots_.mask()) {
    uint64_t current = slots_[i].load(std::memory_order_acquire);
    if (current == key) return uint32_t(i + 1);
    if (current == 0) return kNoId;
  }
  return kNoId;
}

// Multiply-xorshift over the frames; 64 bits keep collisions negligible for millions of stacks.
uint64_t hash_stack(const uintptr_t* ips, int depth, uint64_t seed) {
  uint64_t h = seed ^ (uint64_t(depth) * 0xff51afd7ed558ccdULL);
  for (int i = 0; i < depth; ++i) {
    h ^= uint64_t(ips[i]);
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 32;
  }
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 29);
}

}  // namespace leakrank::preload
