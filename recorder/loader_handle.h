#pragma once
// The dlopen handle of an object loaded in another process, for a dlclose there. glibc's
// handle is the object's struct link_map, which the loader lists from _r_debug.r_map: read
// with process_vm_readv, so no call is needed (a dlopen's result is lost with the calling
// thread's restore).
#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace leakrank {

// The link_map whose load bias (l_addr) is load_bias; nullopt when the loader lists none.
std::optional<uint64_t> loader_handle(pid_t pid, uint64_t load_bias);

}  // namespace leakrank
