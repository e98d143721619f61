#include "preload/allocation_sampler.h"

#include <cmath>

namespace leakrank::preload {
namespace {

constexpr uint64_t kEmpty = 0;
constexpr uint64_t kTombstone = 1;
// Live sampled allocations are few (heap size / N), so a small table that stays in cache
// serves them; probes are bounded so tombstones can never make a free walk the table.
constexpr uint64_t kCapacity = uint64_t(1) << 16;
constexpr uint64_t kMaxProbes = 32;

struct ThreadSampling {
  uint64_t random_state;
  bool seeded;
};
__attribute__((tls_model("initial-exec"))) thread_local ThreadSampling t_sampling;

uint64_t next_random(ThreadSampling& t) {  // xorshift64*: fast, and quality is ample here
  t.random_state ^= t.random_state >> 12;
  t.random_state ^= t.random_state << 25;
  t.random_state ^= t.random_state >> 27;
  return t.random_state * 0x2545f4914f6cdd1dULL;
}

int64_t exponential_gap(ThreadSampling& t, uint64_t mean) {
  double uniform = (double(next_random(t) >> 11) + 0.5) / double(uint64_t(1) << 53);
  return int64_t(-std::log(uniform) * double(mean)) + 1;
}

uint64_t slot_of(uint64_t address, uint64_t mask) { return (mixed_address(address) >> 20) & mask; }

}  // namespace

bool AllocationSampler::init(uint64_t mean_bytes_per_sample) {
  for (std::atomic<uint32_t>& count : filter_) count.store(0, std::memory_order_relaxed);
  mean_ = mean_bytes_per_sample;
  if (!mean_) return true;
  return slots_.allocate(kCapacity);
}

// The countdown went past zero: a sample point fell inside this allocation. The gaps are
// memoryless, so the distance from its end to the next point is one fresh gap, however many
// points it held: one draw, not a loop over them (a failed malloc(SIZE_MAX / 2) holds 2^44).
bool AllocationSampler::reached_sample_point() {
  ThreadSampling& t = t_sampling;
  int64_t& left = t_bytes_until_sample;
  if (!t.seeded) {  // the thread's first allocation: its first gap is drawn now
    t.random_state = reinterpret_cast<uint64_t>(&t) * 0x9e3779b97f4a7c15ULL | 1;
    t.seeded = true;
    left += exponential_gap(t, mean_);
    if (left > 0) return false;
  }
  left = exponential_gap(t, mean_);
  return true;
}

bool AllocationSampler::remember(void* address) {
  uint64_t key = reinterpret_cast<uint64_t>(address);
  for (uint64_t probe = 0, i = slot_of(key, slots_.mask()); probe < kMaxProbes; ++probe, i = (i + 1) & slots_.mask()) {
    uint64_t current = slots_[i].load(std::memory_order_relaxed);
    if (current != kEmpty && current != kTombstone) continue;
    if (slots_[i].compare_exchange_strong(current, key, std::memory_order_acq_rel)) {
      filter_[filter_bucket(address)].fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

bool AllocationSampler::forget(void* address) {
  uint64_t key = reinterpret_cast<uint64_t>(address);
  for (uint64_t probe = 0, i = slot_of(key, slots_.mask()); probe < kMaxProbes; ++probe, i = (i + 1) & slots_.mask()) {
    uint64_t current = slots_[i].load(std::memory_order_acquire);
    if (current == kEmpty) return false;
    if (current == key) {
      if (!slots_[i].compare_exchange_strong(current, kTombstone, std::memory_order_acq_rel)) return false;
      filter_[filter_bucket(address)].fetch_sub(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

}  // namespace leakrank::preload
