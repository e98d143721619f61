// Which frames belong to the runtime rather than to the program: a site is named after the
// first frame that is not one of these.
#include <algorithm>
#include <array>
#include <string_view>

#include "analyzer/symbolizer.h"

namespace leakrank {
namespace {

// "libc-" and "libm-" cover older glibc, whose files carry the version in the name.
// The CPython interpreter too: a Python allocation's site is its Python line, or the native
// frame of the extension module it was in, never the interpreter's own C code.
constexpr std::array<std::string_view, 14> kRuntimeModulePrefixes = {
    "libc.so", "libc-",      "libstdc++", "libgcc_s",    "ld-linux", "libm.so", "libm-",
    "libpthread", "libunwind", "libleakrank", "libdw",    "libelf",   "python3", "libpython3",
};

constexpr std::array<std::string_view, 16> kAllocationFunctions = {
    "malloc",        "calloc",      "realloc",      "free",          "posix_memalign", "aligned_alloc",
    "memalign",      "valloc",      "pvalloc",      "reallocarray",  "strdup",         "strndup",
    "operator new",  "operator new[]", "operator delete", "operator delete[]",
};

constexpr std::string_view kSystemHeaders = "/usr/include/";

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Demangled operators carry their parameters: "operator new(unsigned long)".
bool is_allocation_function(std::string_view function) {
  std::string_view name = function.substr(0, function.find('('));
  return std::find(kAllocationFunctions.begin(), kAllocationFunctions.end(), name) != kAllocationFunctions.end();
}

}  // namespace

bool is_runtime_module(std::string_view path) {
  std::string_view name = basename_of(path);
  return std::any_of(kRuntimeModulePrefixes.begin(), kRuntimeModulePrefixes.end(),
                     [&](std::string_view prefix) { return name.starts_with(prefix); });
}

bool is_runtime_frame(const Frame& frame) {
  if (frame.python) return false;
  return is_runtime_module(frame.module) || std::string_view(frame.file).starts_with(kSystemHeaders) ||
         is_allocation_function(frame.function);
}

}  // namespace leakrank
