#pragma once
// Where a function of a shared object lives in another process: the object's mappings from
// /proc/PID/maps, the symbol's offset from its ELF dynamic symbol table.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakrank {

struct MappedObject {
  std::string path;   // as the target sees it
  uint64_t start = 0; // lowest address mapped from offset 0 of the file
};

std::vector<MappedObject> mapped_objects(pid_t pid);
// The first object whose file name starts with one of the prefixes (e.g. "libc.so").
std::optional<MappedObject> find_mapped_object(pid_t pid, const std::vector<std::string>& name_prefixes);

// The symbol's offset from the start of the object's first mapping (what dladdr calls the
// base), read from the file's .dynsym; nullopt when it is not defined there.
std::optional<uint64_t> dynamic_symbol_offset(const std::string& file, const std::string& symbol);

// The file as the target sees it, opened from here (its mount namespace may differ).
std::string path_in_target_root(pid_t pid, const std::string& path);

}  // namespace leakrank
