#pragma once
// libleakrank.so inside the target: the copy an earlier attach left loaded, or else loaded
// now. A target that sees our file at our path (same mount namespace) dlopens that path, as
// a debugger would; one in a container, whose filesystem may hold no such file, gets it as
// an in-memory file (target_memfd.h) and dlopens /proc/self/fd/N. Nothing is written into
// the container's filesystem. A failed dlopen says why, in dlerror()'s words read from the
// target; an attach that fails after the load unloads what it loaded.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace leakrank {

class PtraceInjector;

struct InjectedLibrary {
  uint64_t base = 0;       // where the target mapped it: symbols are offsets from there
  std::string mapped_as;   // its name in the target's /proc/PID/maps
  std::string loaded_as;   // the name its loader knows it by (the path dlopen was given)
  bool loaded_now = false; // this attach loaded it: a failed attach unloads it
};

// Throws std::runtime_error (one line) when the target cannot load it.
InjectedLibrary inject_library(PtraceInjector& injector, pid_t pid, const std::string& library);
// dlclose in the target, when inject_library loaded it; a copy an earlier attach left stays.
// Only for a library that never started recording: one that did has left state behind.
void unload_library(PtraceInjector& injector, pid_t pid, const InjectedLibrary& library);

}  // namespace leakrank
