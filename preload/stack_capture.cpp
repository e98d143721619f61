#include "preload/stack_capture.h"

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>

#include <cstring>

namespace leakrank::preload {
namespace {

uintptr_t g_own_start = 0;
uintptr_t g_own_end = 0;

// Finds the PT_LOAD span of the object that holds this very function.
int find_own_object(dl_phdr_info* info, size_t, void* data) {
  auto here = reinterpret_cast<uintptr_t>(data);
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (start < lo) lo = start;
    if (start + ph.p_memsz > hi) hi = start + ph.p_memsz;
  }
  if (here < lo || here >= hi) return 0;
  g_own_start = lo;
  g_own_end = hi;
  return 1;
}

bool is_own_frame(uintptr_t ip) { return ip >= g_own_start && ip < g_own_end; }

}  // namespace

void init_stack_capture() {
  unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
  dl_iterate_phdr(find_own_object, reinterpret_cast<void*>(&init_stack_capture));
}

int capture_stack(uintptr_t* ips, int max_depth) {
  void* raw[kMaxStackDepth + 16];
  int wanted = max_depth + 16 < kMaxStackDepth + 16 ? max_depth + 16 : kMaxStackDepth + 16;
  int got = unw_backtrace(raw, wanted);
  int skip = 0;
  while (skip < got && is_own_frame(reinterpret_cast<uintptr_t>(raw[skip]))) ++skip;
  int depth = got - skip < max_depth ? got - skip : max_depth;
  for (int i = 0; i < depth; ++i) ips[i] = reinterpret_cast<uintptr_t>(raw[skip + i]);
  return depth;
}

}  // namespace leakrank::preload
