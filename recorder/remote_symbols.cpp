#include "recorder/remote_symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "recorder/file_text.h"
#include "recorder/process_maps.h"

namespace leakrank {
namespace {

template <typename T>
bool read_at(const std::string& image, uint64_t offset, T& out) {
  if (offset > image.size() || image.size() - offset < sizeof(T)) return false;
  memcpy(&out, image.data() + offset, sizeof(T));
  return true;
}

// The lowest PT_LOAD address, page-aligned: what the first mapping's start corresponds to.
uint64_t first_load_address(const std::string& image, const Elf64_Ehdr& header) {
  uint64_t lowest = UINT64_MAX;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (read_at(image, header.e_phoff + uint64_t(i) * header.e_phentsize, ph) && ph.p_type == PT_LOAD)
      lowest = std::min(lowest, ph.p_vaddr & ~(ph.p_align ? ph.p_align - 1 : 0));
  }
  return lowest == UINT64_MAX ? 0 : lowest;
}

std::optional<uint64_t> find_in_dynsym(const std::string& image, const Elf64_Ehdr& header, const std::string& symbol) {
  for (unsigned i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr table, strings;
    if (!read_at(image, header.e_shoff + uint64_t(i) * header.e_shentsize, table) || table.sh_type != SHT_DYNSYM)
      continue;
    if (!read_at(image, header.e_shoff + uint64_t(table.sh_link) * header.e_shentsize, strings)) return std::nullopt;
    for (uint64_t at = table.sh_offset; at + sizeof(Elf64_Sym) <= table.sh_offset + table.sh_size; at += sizeof(Elf64_Sym)) {
      Elf64_Sym entry;
      if (!read_at(image, at, entry) || entry.st_shndx == SHN_UNDEF || entry.st_value == 0) continue;
      uint64_t name = strings.sh_offset + entry.st_name;
      if (name < image.size() && symbol == image.c_str() + name) return entry.st_value;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<MappedObject> mapped_objects(pid_t pid) {
  std::vector<MappedObject> objects;
  for (const MapsEntry& entry : read_process_maps(pid)) {
    if (entry.path.empty() || entry.path[0] != '/' || entry.offset != 0) continue;
    auto known = std::find_if(objects.begin(), objects.end(), [&](const MappedObject& o) { return o.path == entry.path; });
    if (known == objects.end()) objects.push_back({entry.path, entry.start});
    else known->start = std::min(known->start, entry.start);
  }
  return objects;
}

std::optional<MappedObject> find_mapped_object(pid_t pid, const std::vector<std::string>& name_prefixes) {
  for (const MappedObject& object : mapped_objects(pid)) {
    std::string name = std::filesystem::path(object.path).filename().string();
    for (const std::string& prefix : name_prefixes)
      if (name.rfind(prefix, 0) == 0) return object;
  }
  return std::nullopt;
}

std::optional<uint64_t> dynamic_symbol_offset(const std::string& file, const std::string& symbol) {
  std::string image = read_file_text(file);
  Elf64_Ehdr header;
  if (!read_at(image, 0, header) || memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64)
    return std::nullopt;
  std::optional<uint64_t> value = find_in_dynsym(image, header, symbol);
  if (!value) return std::nullopt;
  return *value - first_load_address(image, header);
}

std::string path_in_target_root(pid_t pid, const std::string& path) {
  return "/proc/" + std::to_string(pid) + "/root" + path;
}

}  // namespace leakrank
