#include "analyzer/startup_blocks.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "analyzer/readable_names.h"

namespace leakrank {
namespace {

// The loader's functions that run each object's constructors (glibc's elf/dl-init.c).
constexpr std::array<std::string_view, 2> kInitializerCalls = {"_dl_init", "call_init"};

// What a library is known to allocate at start-up. libstdc++'s only heap block before main
// is the pool eh_alloc.cc reserves so that exceptions can be thrown when malloc fails.
constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kKnownBlocks = {{
    {"libstdc++", "emergency exception pool"},
}};

// Allocating on another library's behalf: the allocator and the loader itself.
constexpr std::array<std::string_view, 4> kPassThroughModules = {"libc.so", "libc-", "libleakrank", "ld-linux"};

std::string_view basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "/lib/x86_64-linux-gnu/libstdc++.so.6" -> "libstdc++".
std::string_view library_name(std::string_view module) {
  std::string_view name = basename_of(module);
  return name.substr(0, name.find(".so"));
}

bool passes_through(const Frame& frame) {
  std::string_view name = basename_of(frame.module);
  return std::any_of(kPassThroughModules.begin(), kPassThroughModules.end(),
                     [&](std::string_view prefix) { return name.starts_with(prefix); });
}

bool is_initializer_call(const Frame& frame) {
  std::string brief = brief_function_name(frame.function);
  return std::find(kInitializerCalls.begin(), kInitializerCalls.end(), brief) != kInitializerCalls.end();
}

}  // namespace

std::optional<std::string> startup_block_name(std::span<const Frame> stack) {
  if (stack.empty() || !std::all_of(stack.begin(), stack.end(), is_runtime_frame)) return std::nullopt;
  if (std::none_of(stack.begin(), stack.end(), is_initializer_call)) return std::nullopt;
  auto owner = std::find_if_not(stack.begin(), stack.end(), passes_through);
  if (owner == stack.end() || owner->module.empty()) return std::nullopt;
  std::string_view library = library_name(owner->module);
  for (auto [known, what] : kKnownBlocks)
    if (library == known) return std::string(library) + " start-up (" + std::string(what) + ")";
  return std::string(library) + " start-up";
}

}  // namespace leakrank
