#include "preload/got_patcher.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "preload/hooked_functions.h"
#include "preload/load_span.h"
#include "preload/loaded_objects.h"

namespace leakrank::preload {
namespace {

#define LEAKRANK_HOOK_NAME(name, result, parameters) #name,
constexpr const char* kHookedNames[] = {LEAKRANK_HOOKED_FUNCTIONS(LEAKRANK_HOOK_NAME)};
#undef LEAKRANK_HOOK_NAME
constexpr int kHookCount = sizeof kHookedNames / sizeof kHookedNames[0];
constexpr int kMaxSlots = 8192;
constexpr int kMaxObjects = 1024;

struct PatchedSlot {
  void** slot;
  void* original;
  void* hook;
  uintptr_t object;  // dlpi_addr of the object the slot belongs to
  uintptr_t relro_start, relro_end;
};

// Read-only-after-relocation range of an object: its GOT slots there need mprotect to change.
struct ObjectLayout {
  uintptr_t base = 0;
  const ElfW(Dyn)* dynamic = nullptr;
  uintptr_t relro_start = 0, relro_end = 0;
  LoadSpan load;
};

void* g_hooks[kHookCount];
PatchedSlot g_slots[kMaxSlots];
int g_slot_count = 0;
uintptr_t g_patched_objects[kMaxObjects];
int g_object_count = 0;
uintptr_t g_own_code = 0;
std::atomic<bool> g_attached{false};
std::atomic<bool> g_patching{false};   // one thread patches at a time
unsigned long long g_loads_seen = 0;   // dl_phdr_info::dlpi_adds at the last patch

ObjectLayout layout_of(const dl_phdr_info* info) {
  ObjectLayout layout;
  layout.base = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_DYNAMIC) layout.dynamic = reinterpret_cast<const ElfW(Dyn)*>(start);
    if (ph.p_type == PT_GNU_RELRO) {
      layout.relro_start = start;
      layout.relro_end = start + ph.p_memsz;
    }
  }
  layout.load = load_span(info);
  return layout;
}

// glibc relocates the pointers of a writable .dynamic in place; the vDSO's are left relative.
uintptr_t dynamic_pointer(const ObjectLayout& layout, uintptr_t value) {
  return value < layout.base ? value + layout.base : value;
}

int hook_index(const char* name) {
  for (int i = 0; i < kHookCount; ++i)
    if (strcmp(name, kHookedNames[i]) == 0) return i;
  return -1;
}

void store_slot(void** slot, void* value, uintptr_t relro_start, uintptr_t relro_end) {
  auto at = reinterpret_cast<uintptr_t>(slot);
  bool read_only = at >= relro_start && at < relro_end;
  uintptr_t page_size = uintptr_t(sysconf(_SC_PAGESIZE));
  void* page = reinterpret_cast<void*>(at & ~(page_size - 1));
  if (read_only && mprotect(page, page_size, PROT_READ | PROT_WRITE) != 0) return;
  __atomic_store_n(slot, value, __ATOMIC_RELEASE);  // threads calling through it see old or new, never half
  if (read_only) mprotect(page, page_size, PROT_READ);
}

void patch_relocations(const ObjectLayout& layout, const ElfW(Rela)* relocations, size_t bytes,
                       const ElfW(Sym)* symbols, const char* strings) {
  for (size_t i = 0; i < bytes / sizeof(ElfW(Rela)); ++i) {
    const ElfW(Rela)& rela = relocations[i];
    uint32_t type = ELF64_R_TYPE(rela.r_info);
    if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) continue;
    const ElfW(Sym)& symbol = symbols[ELF64_R_SYM(rela.r_info)];
    int hook = hook_index(strings + symbol.st_name);
    if (hook < 0 || g_slot_count == kMaxSlots) continue;
    auto** slot = reinterpret_cast<void**>(layout.base + rela.r_offset);
    void* original = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (original == g_hooks[hook]) continue;
    g_slots[g_slot_count++] = {slot, original, g_hooks[hook], layout.base, layout.relro_start, layout.relro_end};
    store_slot(slot, g_hooks[hook], layout.relro_start, layout.relro_end);
  }
}

void patch_object(const ObjectLayout& layout) {
  const ElfW(Rela)*plt = nullptr, *rela = nullptr;
  size_t plt_bytes = 0, rela_bytes = 0;
  const ElfW(Sym)* symbols = nullptr;
  const char* strings = nullptr;
  for (const ElfW(Dyn)* d = layout.dynamic; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_JMPREL: plt = reinterpret_cast<const ElfW(Rela)*>(dynamic_pointer(layout, d->d_un.d_ptr)); break;
      case DT_PLTRELSZ: plt_bytes = d->d_un.d_val; break;
      case DT_RELA: rela = reinterpret_cast<const ElfW(Rela)*>(dynamic_pointer(layout, d->d_un.d_ptr)); break;
      case DT_RELASZ: rela_bytes = d->d_un.d_val; break;
      case DT_SYMTAB: symbols = reinterpret_cast<const ElfW(Sym)*>(dynamic_pointer(layout, d->d_un.d_ptr)); break;
      case DT_STRTAB: strings = reinterpret_cast<const char*>(dynamic_pointer(layout, d->d_un.d_ptr)); break;
    }
  }
  if (!symbols || !strings) return;
  if (plt) patch_relocations(layout, plt, plt_bytes, symbols, strings);
  if (rela) patch_relocations(layout, rela, rela_bytes, symbols, strings);
}

bool already_patched(uintptr_t base) {
  for (int i = 0; i < g_object_count; ++i)
    if (g_patched_objects[i] == base) return true;
  return false;
}

int patch_each_object(dl_phdr_info* info, size_t, void*) {
  ObjectLayout layout = layout_of(info);
  bool own = layout.load.contains(g_own_code);
  if (own || !layout.dynamic || already_patched(layout.base) || g_object_count == kMaxObjects) return 0;
  g_patched_objects[g_object_count++] = layout.base;
  patch_object(layout);
  return 0;
}

int restore_each_object(dl_phdr_info* info, size_t, void*) {
  for (int i = 0; i < g_slot_count; ++i) {
    PatchedSlot& patched = g_slots[i];
    // Only while its object is loaded, and only if nobody rewrote the slot since.
    if (patched.object != info->dlpi_addr || !patched.slot) continue;
    if (__atomic_load_n(patched.slot, __ATOMIC_ACQUIRE) == patched.hook)
      store_slot(patched.slot, patched.original, patched.relro_start, patched.relro_end);
    patched.slot = nullptr;
  }
  return 0;
}

// The hooks are this library's own malloc & co; asking the global scope would name libc's.
bool find_own_hooks() {
  if (g_own_code) return true;
  Dl_info self{};
  if (!dladdr(reinterpret_cast<void*>(&find_own_hooks), &self) || !self.dli_fname) return false;
  void* handle = dlopen(self.dli_fname, RTLD_NOLOAD | RTLD_LAZY);
  if (!handle) return false;
  bool found = true;
  for (int i = 0; i < kHookCount; ++i) found = (g_hooks[i] = dlsym(handle, kHookedNames[i])) != nullptr && found;
  dlclose(handle);
  if (found) g_own_code = reinterpret_cast<uintptr_t>(&find_own_hooks);
  return found;
}

int count_loads(dl_phdr_info* info, size_t, void* loads) {
  *static_cast<unsigned long long*>(loads) = info->dlpi_adds;
  return 1;  // the counter is the same in every entry: the first one is enough
}

}  // namespace

int patch_allocator_slots() {
  if (!find_own_hooks()) return -1;
  walk_loaded_objects(count_loads, &g_loads_seen);
  walk_loaded_objects(patch_each_object, nullptr);
  g_attached.store(true, std::memory_order_release);
  return g_slot_count;
}

void restore_allocator_slots() {
  g_attached.store(false, std::memory_order_release);
  while (g_patching.exchange(true, std::memory_order_acquire)) {
  }
  // Other threads may run (a recorder that died is left on its own): each slot is written
  // whole, and g_patching keeps every other writer of slots and their pages away.
  iterate_loaded_objects(restore_each_object, nullptr);
  g_slot_count = 0;
  g_object_count = 0;
  g_patching.store(false, std::memory_order_release);
}

bool allocator_slots_patched() { return g_attached.load(std::memory_order_acquire); }

void restore_allocator_slots_in_child() {
  if (!g_attached.load(std::memory_order_acquire)) return;
  g_patching.store(false, std::memory_order_release);  // whoever held it is not in the child
  restore_allocator_slots();
}

void patch_objects_loaded_since() {
  if (!g_attached.load(std::memory_order_acquire) || g_patching.exchange(true, std::memory_order_acquire)) return;
  unsigned long long loads = 0;
  if (walk_loaded_objects(count_loads, &loads) && loads != g_loads_seen && g_attached.load(std::memory_order_acquire) &&
      walk_loaded_objects(patch_each_object, nullptr))
    g_loads_seen = loads;
  g_patching.store(false, std::memory_order_release);
}

}  // namespace leakrank::preload
