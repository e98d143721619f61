#pragma once
// The address range a loaded object occupies: from its lowest PT_LOAD segment to the end of
// its highest. Malloc-free, for use inside the hooks.
#include <link.h>

#include <cstdint>

namespace leakrank::preload {

struct LoadSpan {
  uintptr_t start = UINTPTR_MAX;
  uintptr_t end = 0;
  bool empty() const { return end == 0; }
  bool contains(uintptr_t address) const { return address >= start && address < end; }
};

inline LoadSpan load_span(const dl_phdr_info* info) {
  LoadSpan span;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (start < span.start) span.start = start;
    if (start + ph.p_memsz > span.end) span.end = start + ph.p_memsz;
  }
  return span;
}

}  // namespace leakrank::preload
