#include "preload/own_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "transport/own_memory_ledger.h"

namespace leakrank::preload {
namespace {

// In the library's own data: a fork child inherits it with the very mappings it lists.
OwnMemoryLedger g_ledger;
// Entries past this were never used: munmap, which every unmapping program calls, looks no further.
std::atomic<size_t> g_entries_used{0};

std::atomic_ref<uint64_t> field(uint64_t& value) { return std::atomic_ref<uint64_t>(value); }

uint64_t owner_id(OwnedBy owner) { return owner == OwnedBy::thread ? uint64_t(syscall(SYS_gettid)) : 0; }

void note_used(size_t entries) {
  size_t used = g_entries_used.load(std::memory_order_relaxed);
  while (used < entries && !g_entries_used.compare_exchange_weak(used, entries, std::memory_order_acq_rel)) {
  }
}

}  // namespace

// The recorder may read an entry half written: a start without its size counts nothing.
void list_own_memory(void* memory, size_t bytes, OwnedBy owner) {
  auto start = reinterpret_cast<uint64_t>(memory);
  for (size_t i = 0; i < kOwnMemoryRanges; ++i) {
    OwnMemoryRange& range = g_ledger.ranges[i];
    uint64_t free_entry = 0;
    if (!field(range.start).compare_exchange_strong(free_entry, start, std::memory_order_acq_rel)) continue;
    field(range.thread).store(owner_id(owner), std::memory_order_relaxed);
    field(range.bytes).store(bytes, std::memory_order_release);
    note_used(i + 1);
    return;
  }
}

// Every entry of the range goes: one mapped by map_own_memory inside libunwind's call would be
// listed twice, by it and by the mmap hook, and a stale entry would later hide program memory.
void unlist_own_memory(void* memory) {
  auto start = reinterpret_cast<uint64_t>(memory);
  size_t used = g_entries_used.load(std::memory_order_acquire);
  for (size_t i = 0; i < used; ++i) {
    OwnMemoryRange& range = g_ledger.ranges[i];
    if (field(range.start).load(std::memory_order_acquire) != start) continue;
    field(range.bytes).store(0, std::memory_order_release);
    field(range.start).store(0, std::memory_order_release);
  }
}

void* map_own_memory(size_t bytes, OwnedBy owner, bool noreserve) {
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0);
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  list_own_memory(memory, bytes, owner);
  return memory;
}

// Unlisted here too: after an attach, the library's own munmap is the C library's, not its hook.
void unmap_own_memory(void* memory, size_t bytes) {
  unlist_own_memory(memory);
  munmap(memory, bytes);
}

uint64_t own_memory_ledger_address() { return reinterpret_cast<uint64_t>(&g_ledger); }

}  // namespace leakrank::preload
