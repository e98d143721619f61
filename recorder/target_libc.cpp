#include "recorder/target_libc.h"

#include <dlfcn.h>

#include <stdexcept>

#include "recorder/file_identity.h"
#include "recorder/remote_symbols.h"

namespace leakrank {
namespace {

// Our own address of name, when our libc is the file the target mapped.
std::optional<uint64_t> offset_in_our_libc(const std::string& file, const std::string& name) {
  Dl_info ours{};
  void* local = dlsym(RTLD_DEFAULT, name.c_str());
  if (!local || !dladdr(local, &ours) || !ours.dli_fname || !same_file(ours.dli_fname, file)) return std::nullopt;
  return reinterpret_cast<uint64_t>(local) - reinterpret_cast<uint64_t>(ours.dli_fbase);
}

}  // namespace

std::optional<uint64_t> target_libc_function(pid_t pid, const std::vector<std::string>& names) {
  std::optional<MappedObject> libc = find_mapped_object(pid, {"libc.so", "libc-2."});
  if (!libc)
    throw std::runtime_error("pid " + std::to_string(pid) + " maps no glibc libc.so (statically linked, or another C "
                             "library): cannot load libleakrank.so into it");
  std::string file = path_in_target_root(pid, libc->path);
  for (const std::string& name : names) {
    if (std::optional<uint64_t> offset = offset_in_our_libc(file, name)) return libc->start + *offset;
    if (std::optional<uint64_t> offset = dynamic_symbol_offset(file, name)) return libc->start + *offset;
  }
  return std::nullopt;
}

}  // namespace leakrank
