#pragma once
// Functions of the target's C library that attach calls inside it (dlopen, dlerror, dlclose,
// memfd_create, close), found without running anything there.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakrank {

// The address of the first of names the target's glibc defines. At our own offset when it
// maps the very libc we run on, else from its .dynsym. nullopt when it defines none; throws
// when it maps no glibc.
std::optional<uint64_t> target_libc_function(pid_t pid, const std::vector<std::string>& names);

}  // namespace leakrank
