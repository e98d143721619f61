#include "recorder/loader_handle.h"

#include <link.h>

#include <cstddef>

#include "recorder/remote_symbols.h"
#include "recorder/target_memory.h"

namespace leakrank {
namespace {

bool read_word(pid_t pid, uint64_t address, uint64_t& out) { return read_target_memory(pid, address, &out, sizeof out); }

std::optional<uint64_t> r_debug_of(pid_t pid) {
  std::optional<MappedObject> loader = find_mapped_object(pid, {"ld-linux", "ld-2.", "ld64.so"});
  if (!loader) return std::nullopt;
  std::optional<uint64_t> offset = dynamic_symbol_offset(path_in_target_root(pid, loader->path), "_r_debug");
  if (!offset) return std::nullopt;
  return loader->start + *offset;
}

}  // namespace

std::optional<uint64_t> loader_handle(pid_t pid, uint64_t load_bias) {
  std::optional<uint64_t> debug = r_debug_of(pid);
  uint64_t entry = 0;
  if (!debug || !read_word(pid, *debug + offsetof(r_debug, r_map), entry)) return std::nullopt;
  for (int hops = 0; entry && hops < 4096; ++hops) {  // a list being rewritten cannot loop us forever
    uint64_t bias = 0;
    if (!read_word(pid, entry + offsetof(link_map, l_addr), bias)) return std::nullopt;
    if (bias == load_bias) return entry;
    if (!read_word(pid, entry + offsetof(link_map, l_next), entry)) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace leakrank
