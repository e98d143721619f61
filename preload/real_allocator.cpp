#include "preload/real_allocator.h"

#include <dlfcn.h>
#include <link.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace leakrank::preload {
namespace {

RealAllocator g_real;
std::atomic<int> g_state{0};  // 0 unresolved, 1 resolving, 2 ready

bool defined_here(void* symbol) {
  Dl_info found{}, self{};
  return dladdr(symbol, &found) && dladdr(reinterpret_cast<void*>(&resolve_real_allocator), &self) &&
         found.dli_fbase == self.dli_fbase;
}

// A non-PIE executable that calls malloc exports a "canonical PLT" stub under that name (an
// undefined symbol with an address): it jumps back through the GOT, so it is no definition.
bool is_plt_stub(void* symbol) {
  Dl_info found{};
  void* entry = nullptr;
  return dladdr1(symbol, &found, &entry, RTLD_DL_SYMENT) && entry &&
         static_cast<const ElfW(Sym)*>(entry)->st_shndx == SHN_UNDEF;
}

// Preloaded, our hooks are the definition everybody binds to and the real one is the next.
// Loaded later by `leakrank attach`, the first real definition in the global scope is the
// one the program already calls (libc's, or a preloaded jemalloc's).
template <typename Fn>
void resolve(Fn& slot, const char* name, bool as_preload, bool& interposed) {
  void* first = dlsym(RTLD_DEFAULT, name);
  bool ours = first && defined_here(first);
  interposed = interposed || ours;
  bool usable = first && !ours && !as_preload && !is_plt_stub(first);
  slot = reinterpret_cast<Fn>(usable ? first : dlsym(RTLD_NEXT, name));
}

std::atomic<size_t> g_arena_used{0};

struct ArenaHeader {
  size_t size;
  size_t padding[1];
};

}  // namespace

bool preload_in_environment() {
  const char* preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "libleakrank");
}

const RealAllocator* resolve_real_allocator() {
  int expected = 0;
  if (!g_state.compare_exchange_strong(expected, 1)) return expected == 2 ? &g_real : nullptr;
  RealAllocator real;
  bool as_preload = preload_in_environment();
#define LEAKRANK_RESOLVE(name, result, parameters) resolve(real.name, #name, as_preload, real.interposed);
  LEAKRANK_HOOKED_FUNCTIONS(LEAKRANK_RESOLVE)
  LEAKRANK_PASSED_THROUGH_FUNCTIONS(LEAKRANK_RESOLVE)
#undef LEAKRANK_RESOLVE
  g_real = real;
  g_state.store(2, std::memory_order_release);
  g_resolved_allocator.store(&g_real, std::memory_order_release);
  return &g_real;
}

namespace bootstrap {

void* allocate(size_t size, size_t alignment) {
  if (alignment < alignof(ArenaHeader)) alignment = alignof(ArenaHeader);
  size_t used = g_arena_used.load(std::memory_order_relaxed);
  for (;;) {
    uintptr_t base = reinterpret_cast<uintptr_t>(g_arena);
    uintptr_t user = (base + used + sizeof(ArenaHeader) + alignment - 1) & ~(uintptr_t(alignment) - 1);
    size_t next = user + size - base;
    if (next > sizeof g_arena) return nullptr;
    if (g_arena_used.compare_exchange_weak(used, next)) {
      reinterpret_cast<ArenaHeader*>(user - sizeof(ArenaHeader))->size = size;
      return reinterpret_cast<void*>(user);  // static storage: already zeroed
    }
  }
}

size_t usable_size(const void* p) {
  return reinterpret_cast<const ArenaHeader*>(static_cast<const unsigned char*>(p) - sizeof(ArenaHeader))->size;
}

}  // namespace bootstrap
}  // namespace leakrank::preload
