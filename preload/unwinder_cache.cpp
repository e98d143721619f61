#include "preload/unwinder_cache.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <link.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "preload/load_span.h"
#include "preload/loaded_objects.h"
#include "preload/own_memory.h"
#include "preload/thread_slots.h"

extern "C" void* __tls_get_addr(void* index);  // the loader's: a module's TLS block for the calling thread

namespace leakrank::preload {
namespace {

// libunwind's trace cache (src/x86_64/Gtrace.c, the same since 1.0): a hash table of 16-byte
// frame records, 2^log_size of them, found through a TLS pointer of its own.
struct TraceCache {
  void* frames;
  size_t log_size;
  size_t used;
};
constexpr size_t kFrameRecordBytes = 16;
constexpr size_t kFirstLogSize = 14;
constexpr size_t kLargestLogSize = 30;

struct TlsIndex {
  unsigned long module;
  unsigned long offset;
};

struct UnwinderTls {
  unsigned long module = 0;   // libunwind's TLS module id; 0: unknown
  size_t words = 0;           // its TLS block, in words
  bool loaded_first = false;  // the program loaded libunwind before libleakrank
};
UnwinderTls g_unwinder;
std::atomic<int> g_pointer_word{-1};  // which word of the block is the trace cache's pointer: -2 none

int find_module(dl_phdr_info* info, size_t, void* data) {
  auto& found = *static_cast<UnwinderTls*>(data);
  uintptr_t own = reinterpret_cast<uintptr_t>(&find_unwinder_tls);
  if (load_span(info).contains(own)) found.loaded_first = found.module != 0 || found.loaded_first;
  if (!load_span(info).contains(reinterpret_cast<uintptr_t>(&unw_backtrace))) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_TLS) found.words = info->dlpi_phdr[i].p_memsz / sizeof(void*);
  found.module = info->dlpi_tls_modid;
  return 0;
}

// Reads memory that may not be mapped without faulting: the kernel says EFAULT instead.
bool read_safely(const void* address, void* out, size_t bytes) {
  iovec local{out, bytes};
  iovec remote{const_cast<void*>(address), bytes};
  return syscall(SYS_process_vm_readv, getpid(), &local, 1, &remote, 1, 0) == long(bytes);
}

bool looks_like_trace_cache(void* candidate) {
  TraceCache cache;
  if (!candidate || !read_safely(candidate, &cache, sizeof cache)) return false;
  return cache.frames && (reinterpret_cast<uintptr_t>(cache.frames) & 4095) == 0 && cache.log_size >= kFirstLogSize &&
         cache.log_size <= kLargestLogSize && cache.used <= (size_t(1) << cache.log_size);
}

// Once per process, from the first thread that unwound the fast way: the one word of its
// TLS block that points at a trace cache. Two such words, or none, leave caches alone.
int pointer_word(void* const* block) {
  int word = g_pointer_word.load(std::memory_order_acquire);
  if (word != -1) return word;
  word = -2;
  for (size_t i = 0; i < g_unwinder.words; ++i)
    if (looks_like_trace_cache(block[i])) word = word == -2 ? int(i) : -3;
  word = word < 0 ? -2 : word;
  g_pointer_word.store(word, std::memory_order_release);
  return word;
}

}  // namespace

void find_unwinder_tls() {
  UnwinderTls found;
  walk_loaded_objects(find_module, &found);
  g_unwinder = found;
}

void note_unwinder_cache(ThreadSlot& slot) {
  if (slot.unwinder_tls.load(std::memory_order_relaxed) || !g_unwinder.module || g_unwinder.loaded_first) return;
  TlsIndex index{g_unwinder.module, 0};
  auto* block = static_cast<void**>(__tls_get_addr(&index));  // allocated already: libunwind just used it
  if (block && pointer_word(block) >= 0) slot.unwinder_tls.store(block, std::memory_order_release);
}

void release_unwinder_cache(ThreadSlot& slot) {
  slot.releasing_unwinder.store(1, std::memory_order_seq_cst);
  auto* block = static_cast<void**>(slot.unwinder_tls.exchange(nullptr, std::memory_order_seq_cst));
  int word = g_pointer_word.load(std::memory_order_acquire);
  auto* cache = block && word >= 0 ? static_cast<TraceCache*>(block[word]) : nullptr;
  if (cache) {
    block[word] = nullptr;  // the next unwind of the thread makes a new cache
    unmap_own_memory(cache->frames, (size_t(1) << cache->log_size) * kFrameRecordBytes);
    // libunwind's exit destructor for this thread, if it still names this cache, then
    // unmaps only the first page, where nothing can be mapped.
    cache->frames = nullptr;
    cache->log_size = 0;
    cache->used = 0;
  }
  slot.releasing_unwinder.store(0, std::memory_order_release);
}

void forget_unwinder_cache(ThreadSlot& slot) {
  if (slot.unwinder_tls.exchange(nullptr, std::memory_order_seq_cst)) return;
  while (slot.releasing_unwinder.load(std::memory_order_acquire)) sched_yield();
}

}  // namespace leakrank::preload
