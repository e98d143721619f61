#pragma once
// This process's module map, as the preload library records it (path, PT_LOAD span, load
// bias, GNU build-id), for tests and benchmarks that write recordings of their own code.
#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recording/record_format.h"

namespace leakrank::testing {

inline std::string build_id_from_notes(const dl_phdr_info& info) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info.dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const char* note = reinterpret_cast<const char*>(info.dlpi_addr + segment.p_vaddr);
    const char* notes_end = note + segment.p_memsz;
    size_t align = segment.p_align < 4 ? 4 : segment.p_align;
    auto padded = [align](size_t size) { return (size + align - 1) & ~(align - 1); };
    while (note + sizeof(ElfW(Nhdr)) <= notes_end) {
      auto header = reinterpret_cast<const ElfW(Nhdr)*>(note);
      const char* name = note + sizeof(ElfW(Nhdr));
      const char* description = name + padded(header->n_namesz);
      if (header->n_type == NT_GNU_BUILD_ID && header->n_namesz == 4 && std::string(name, 3) == "GNU")
        return std::string(description, header->n_descsz);
      note = description + padded(header->n_descsz);
    }
  }
  return {};
}

inline ModuleInfo module_info(const dl_phdr_info& info) {
  ModuleInfo module;
  module.path = info.dlpi_name && *info.dlpi_name ? info.dlpi_name : std::filesystem::read_symlink("/proc/self/exe");
  module.load_bias = info.dlpi_addr;
  module.start = UINT64_MAX;
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info.dlpi_phdr[i];
    if (segment.p_type != PT_LOAD) continue;
    module.start = std::min<uint64_t>(module.start, info.dlpi_addr + segment.p_vaddr);
    module.end = std::max<uint64_t>(module.end, info.dlpi_addr + segment.p_vaddr + segment.p_memsz);
  }
  module.build_id = build_id_from_notes(info);
  return module;
}

// Every loaded object; the first is the main executable.
inline std::vector<ModuleInfo> own_module_map() {
  std::vector<ModuleInfo> modules;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        static_cast<std::vector<ModuleInfo>*>(out)->push_back(module_info(*info));
        return 0;
      },
      &modules);
  return modules;
}

// libc's own malloc. &malloc may name a sanitizer's interceptor instead, which lives in
// another module; a lookup through libc's handle finds libc's definition.
inline uint64_t libc_malloc_address() {
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  void* found = libc ? dlsym(libc, "malloc") : nullptr;
  return reinterpret_cast<uint64_t>(found);
}

}  // namespace leakrank::testing
