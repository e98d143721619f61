#include "preload/loaded_objects.h"

#include <dlfcn.h>
#include <link.h>

#include <atomic>

#include "preload/fork_gate.h"

namespace leakrank::preload {
namespace {

using Callback = int (*)(dl_phdr_info*, size_t, void*);
using IteratePhdr = int (*)(Callback, void*);

constexpr int kMaxObjects = 1024;
dl_phdr_info g_copies[kMaxObjects];  // what the loader said; its pointers stay valid in the child
int g_copy_count = 0;
bool g_use_copy = false;  // also in a grandchild: its parent never read the list again

// Found on first use, without a guard variable's lock: two threads may both look it up.
std::atomic<IteratePhdr> g_loader_iterate_phdr{nullptr};

IteratePhdr loader_iterate_phdr() {
  IteratePhdr next = g_loader_iterate_phdr.load(std::memory_order_acquire);
  if (next) return next;
  next = reinterpret_cast<IteratePhdr>(dlsym(RTLD_NEXT, "dl_iterate_phdr"));
  g_loader_iterate_phdr.store(next, std::memory_order_release);
  return next;
}

int copy_object(dl_phdr_info* info, size_t, void*) {
  if (g_copy_count == kMaxObjects) return 1;
  g_copies[g_copy_count++] = *info;
  return 0;
}

}  // namespace

// Forks run their prepare handlers one at a time, so one copy serves.
void copy_loaded_objects_before_fork() {
  if (g_use_copy) return;
  g_copy_count = 0;
  loader_iterate_phdr()(copy_object, nullptr);
}

void use_copied_loaded_objects() { g_use_copy = true; }

// The loader's walk, or the copy's.
int iterate_loaded_objects(Callback callback, void* data) {
  if (!g_use_copy) return loader_iterate_phdr()(callback, data);
  for (int i = 0; i < g_copy_count; ++i)
    if (int result = callback(&g_copies[i], sizeof(dl_phdr_info), data)) return result;
  return 0;
}

bool walk_loaded_objects(Callback callback, void* data) {
  ForkSensitiveCall call;
  if (!call.entered()) return false;
  iterate_loaded_objects(callback, data);
  return true;
}

}  // namespace leakrank::preload

using namespace leakrank::preload;

// Everybody's walks, libunwind's among them, when the library is preloaded.
extern "C" __attribute__((visibility("default"))) int dl_iterate_phdr(Callback callback, void* data) {
  return iterate_loaded_objects(callback, data);
}
