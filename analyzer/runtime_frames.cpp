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
// frame of the extension module it was in, never the interpreter's own C code nor its
// standard library's (below).
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

// CPython's standard library, <prefix>/lib/python3.N/: its Python modules, and its extension
// modules in lib-dynload (_json, _socket...), whichever of those a distribution builds into
// the interpreter instead. Third-party packages install under it too, in these folders.
constexpr std::string_view kPythonLibrary = "/lib/python3.";
constexpr std::array<std::string_view, 2> kThirdPartyFolders = {"site-packages/", "dist-packages/"};
// 3.11 freezes part of the standard library (os, runpy, importlib): its code is in no file.
constexpr std::string_view kFrozenModule = "<frozen ";

bool in_python_standard_library(std::string_view path) {
  if (path.starts_with(kFrozenModule)) return true;
  size_t at = path.find(kPythonLibrary);
  if (at == std::string_view::npos) return false;
  std::string_view version = path.substr(at + kPythonLibrary.size());
  size_t digits = version.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos || version[digits] != '/') return false;
  std::string_view inside = version.substr(digits + 1);
  return std::none_of(kThirdPartyFolders.begin(), kThirdPartyFolders.end(),
                      [&](std::string_view folder) { return inside.starts_with(folder); });
}

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
                     [&](std::string_view prefix) { return name.starts_with(prefix); }) ||
         in_python_standard_library(path);
}

// The standard library's Python frames are the runtime's as /usr/include's are: an object
// json.loads makes is at the line that called it.
bool is_runtime_frame(const Frame& frame) {
  if (frame.python) return in_python_standard_library(frame.file);
  return is_runtime_module(frame.module) || std::string_view(frame.file).starts_with(kSystemHeaders) ||
         is_allocation_function(frame.function);
}

}  // namespace leakrank
