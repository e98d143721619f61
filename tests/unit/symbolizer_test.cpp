#include "analyzer/symbolizer.h"
#include "tests/support/own_module_map.h"

#include <doctest/doctest.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace leakrank {
namespace {

using testing::own_module_map;

// A return address together with the source line of the call that produced it.
struct CallSite {
  uint64_t ip = 0;
  uint32_t line = 0;
};

// noipa: a real, separate call the optimizer can neither inline nor clone.
__attribute__((noipa)) uint64_t caller_return_address() {
  return reinterpret_cast<uint64_t>(__builtin_return_address(0));
}

__attribute__((noipa)) CallSite direct_call_site() {
  CallSite site{caller_return_address(), __LINE__};
  return site;
}

__attribute__((always_inline)) inline CallSite inlined_call_site() {
  CallSite site{caller_return_address(), __LINE__};
  return site;
}

struct InlinedCall {
  CallSite inner;
  uint32_t outer_line = 0;
};

__attribute__((noipa)) InlinedCall call_through_inlined_function() {
  InlinedCall call{inlined_call_site(), __LINE__};
  return call;
}

// A member function with internal linkage: no linkage name, so its class comes from DWARF.
struct Widget {
  __attribute__((always_inline)) CallSite inlined_method() const {
    CallSite site{caller_return_address(), __LINE__};
    return site;
  }
};

__attribute__((noipa)) InlinedCall call_through_inlined_method() {
  InlinedCall call{Widget{}.inlined_method(), __LINE__};
  return call;
}

// A lambda's body is a function nested inside the DWARF of the function that defines it.
__attribute__((noipa)) InlinedCall call_through_lambda() {
  auto lambda = [](int) __attribute__((noipa)) {
    InlinedCall call{inlined_call_site(), __LINE__};
    return call;
  };
  return lambda(0);
}

ModuleInfo module_holding(const std::vector<ModuleInfo>& modules, uint64_t address) {
  for (const auto& module : modules)
    if (module.start <= address && address < module.end) return module;
  FAIL("no module holds the address");
  return {};
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string basename_of(const std::string& path) { return std::filesystem::path(path).filename(); }

std::string self_path() { return std::filesystem::read_symlink("/proc/self/exe"); }

}  // namespace

TEST_CASE("a return address resolves to the calling function, file and line") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  CallSite site = direct_call_site();

  const std::vector<Frame>& frames = symbolizer.frames(site.ip);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].function == "leakrank::(anonymous namespace)::direct_call_site()");
  CHECK(ends_with(frames[0].file, "symbolizer_test.cpp"));
  CHECK(frames[0].line == site.line);
  CHECK(frames[0].module == self_path());
  CHECK(frames[0].ip == site.ip);
  CHECK_FALSE(frames[0].inlined);
  CHECK_FALSE(is_runtime_frame(frames[0]));
  CHECK(symbolizer.warnings().empty());
}

TEST_CASE("an address inside an inlined function yields the inlined frame first") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  InlinedCall call = call_through_inlined_function();

  const std::vector<Frame>& frames = symbolizer.frames(call.inner.ip);
  REQUIRE(frames.size() == 2);
  // Internal functions have no linkage name: an inlined one is named without its parameters.
  CHECK(frames[0].function == "leakrank::(anonymous namespace)::inlined_call_site");
  CHECK(frames[0].inlined);
  CHECK(frames[0].line == call.inner.line);
  CHECK(ends_with(frames[0].file, "symbolizer_test.cpp"));
  CHECK(frames[1].function == "leakrank::(anonymous namespace)::call_through_inlined_function()");
  CHECK_FALSE(frames[1].inlined);
  CHECK(frames[1].line == call.outer_line);
  CHECK(ends_with(frames[1].file, "symbolizer_test.cpp"));
  for (const Frame& frame : frames) CHECK(frame.ip == call.inner.ip);
}

TEST_CASE("an inlined member function is named with its class") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  InlinedCall call = call_through_inlined_method();

  const std::vector<Frame>& frames = symbolizer.frames(call.inner.ip);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].function == "leakrank::(anonymous namespace)::Widget::inlined_method");
  CHECK(frames[0].inlined);
  CHECK(frames[0].line == call.inner.line);
  CHECK(frames[1].line == call.outer_line);
}

TEST_CASE("an address in a lambda finds the lambda's inlined calls and its own line") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  InlinedCall call = call_through_lambda();

  const std::vector<Frame>& frames = symbolizer.frames(call.inner.ip);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].function == "leakrank::(anonymous namespace)::inlined_call_site");
  CHECK(frames[0].line == call.inner.line);
  CHECK(frames[1].function.find("lambda") != std::string::npos);
  CHECK_FALSE(frames[1].inlined);
  CHECK(frames[1].line == call.outer_line);
}

TEST_CASE("a frame inside libc resolves to the libc module and is a runtime frame") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  uint64_t inside_malloc = testing::libc_malloc_address() + 4;

  const std::vector<Frame>& frames = symbolizer.frames(inside_malloc);
  REQUIRE_FALSE(frames.empty());
  CHECK(basename_of(frames.back().module).starts_with("libc.so"));
  CHECK(frames.back().function.find("malloc") != std::string::npos);
  CHECK(is_runtime_frame(frames.back()));
}

TEST_CASE("without runtime debug info, libc frames are named by symbol and the program's keep file:line") {
  Symbolizer symbolizer({.runtime_debug_info = false});
  symbolizer.set_module_map(1, own_module_map());
  uint64_t inside_malloc = testing::libc_malloc_address() + 4;
  CallSite site = direct_call_site();

  const std::vector<Frame>& libc_frames = symbolizer.frames(inside_malloc);
  REQUIRE(libc_frames.size() == 1);  // no inlined frames either: those come from DWARF
  CHECK(libc_frames[0].function.find("malloc") != std::string::npos);
  CHECK(libc_frames[0].file.empty());
  CHECK(is_runtime_frame(libc_frames[0]));

  const std::vector<Frame>& own_frames = symbolizer.frames(site.ip);
  REQUIRE(own_frames.size() == 1);
  CHECK(own_frames[0].function == "leakrank::(anonymous namespace)::direct_call_site()");
  CHECK(own_frames[0].line == site.line);
}

TEST_CASE("the same address under the same module map is answered from the cache") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  uint64_t ip = direct_call_site().ip;
  CHECK(&symbolizer.frames(ip) == &symbolizer.frames(ip));
}

TEST_CASE("frames resolve against the module map in force") {
  Symbolizer symbolizer;
  std::vector<ModuleInfo> modules = own_module_map();
  uint64_t ip = direct_call_site().ip;
  symbolizer.set_module_map(1, modules);
  CHECK(symbolizer.frames(ip)[0].function != "??");

  std::erase_if(modules, [&](const ModuleInfo& module) { return module.path == self_path(); });
  symbolizer.set_module_map(2, modules);
  CHECK(symbolizer.frames(ip)[0].function == "??");
}

TEST_CASE("an address outside every module is unknown") {
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, own_module_map());
  const std::vector<Frame>& frames = symbolizer.frames(0x10);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].function == "??");
  CHECK(frames[0].file.empty());
  CHECK(frames[0].line == 0);
  CHECK(frames[0].module.empty());
  CHECK(frames[0].ip == 0x10);
}

TEST_CASE("a module rebuilt since the recording shows module+offset and one warning") {
  CallSite site = direct_call_site();
  CallSite other = inlined_call_site();
  std::vector<ModuleInfo> modules = own_module_map();
  ModuleInfo self = module_holding(modules, site.ip);
  for (auto& module : modules)
    if (module.path == self.path) module.build_id = "\x01\x02\x03\x04";

  Symbolizer symbolizer;
  symbolizer.set_module_map(1, modules);
  const std::vector<Frame>& frames = symbolizer.frames(site.ip);
  REQUIRE(frames.size() == 1);
  char expected[64];
  snprintf(expected, sizeof expected, "+0x%llx", static_cast<unsigned long long>(site.ip - self.load_bias));
  CHECK(frames[0].function == basename_of(self.path) + expected);
  CHECK(frames[0].module == self.path);
  CHECK(frames[0].line == 0);
  CHECK_FALSE(is_runtime_frame(frames[0]));
  symbolizer.frames(other.ip);

  REQUIRE(symbolizer.warnings().size() == 1);
  CHECK(symbolizer.warnings()[0] ==
        self.path + " changed since it was recorded (build-id mismatch): showing module+offset");
}

TEST_CASE("a module whose file is gone shows module+offset and a warning") {
  ModuleInfo gone{.path = "/nonexistent/libgone.so", .start = 0x10000, .end = 0x20000, .load_bias = 0x10000};
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, {gone});
  const std::vector<Frame>& frames = symbolizer.frames(0x10123);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].function == "libgone.so+0x123");
  CHECK(frames[0].module == gone.path);
  REQUIRE(symbolizer.warnings().size() == 1);
  CHECK(symbolizer.warnings()[0].starts_with(gone.path));
}

TEST_CASE("the vdso is not looked up on disk") {
  ModuleInfo vdso{.path = "linux-vdso.so.1", .start = 0x10000, .end = 0x20000, .load_bias = 0x10000};
  Symbolizer symbolizer;
  symbolizer.set_module_map(1, {vdso});
  CHECK(symbolizer.frames(0x10123)[0].function == "??");
  CHECK(symbolizer.warnings().empty());
}

// The layout of a build-id debug tree: .build-id/ab/cdef....debug
std::filesystem::path build_id_debug_file(const std::filesystem::path& root, const std::string& build_id) {
  std::string hex;
  for (unsigned char byte : build_id) {
    char digits[3];
    snprintf(digits, sizeof digits, "%02x", byte);
    hex += digits;
  }
  return root / ".build-id" / hex.substr(0, 2) / (hex.substr(2) + ".debug");
}

TEST_CASE("a stripped module finds its debug info in a --debug-dir build-id tree") {
  CallSite site = direct_call_site();
  std::vector<ModuleInfo> modules = own_module_map();
  ModuleInfo self = module_holding(modules, site.ip);
  REQUIRE_FALSE(self.build_id.empty());
  auto scratch = std::filesystem::temp_directory_path() / ("symbolizer_test." + std::to_string(getpid()));
  std::filesystem::create_directories(scratch);
  auto stripped = scratch / "stripped";
  REQUIRE(std::system(("objcopy --strip-debug '" + self.path + "' '" + stripped.string() + "'").c_str()) == 0);
  auto debug_file = build_id_debug_file(scratch / "debug", self.build_id);
  std::filesystem::create_directories(debug_file.parent_path());
  std::filesystem::create_symlink(self.path, debug_file);
  for (auto& module : modules)
    if (module.path == self.path) module.path = stripped;

  Symbolizer without_debug_dir;
  without_debug_dir.set_module_map(1, modules);
  CHECK(without_debug_dir.frames(site.ip)[0].line == 0);

  Symbolizer with_debug_dir({.debug_dirs = {(scratch / "debug").string()}});
  with_debug_dir.set_module_map(1, modules);
  const Frame& frame = with_debug_dir.frames(site.ip)[0];
  CHECK(frame.line == site.line);
  CHECK(ends_with(frame.file, "symbolizer_test.cpp"));
  CHECK(frame.module == stripped.string());
  std::filesystem::remove_all(scratch);
}

TEST_CASE("runtime frames: system headers, the allocation API and runtime libraries") {
  std::string program = "/opt/app/bin/server";
  CHECK(is_runtime_frame({.function = "std::vector<int>::_M_realloc_insert(int&&)",
                          .file = "/usr/include/c++/12/bits/vector.tcc", .line = 1287, .module = program,
                          .inlined = true}));
  CHECK(is_runtime_frame({.function = "operator new(unsigned long)", .module = program}));
  CHECK(is_runtime_frame({.function = "operator new[](unsigned long, std::nothrow_t const&)", .module = program}));
  CHECK(is_runtime_frame({.function = "malloc", .module = "/usr/lib/libleakrank_preload.so"}));
  CHECK(is_runtime_frame({.function = "strdup", .module = program}));
  CHECK(is_runtime_frame({.function = "std::__detail::foo()", .module = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"}));
  CHECK(is_runtime_frame({.function = "??", .module = "/lib64/ld-linux-x86-64.so.2"}));
  CHECK(is_runtime_frame({.function = "libc.so.6+0x1234", .module = "/lib/x86_64-linux-gnu/libc.so.6"}));

  CHECK_FALSE(is_runtime_frame({.function = "Cache::insert(int)", .file = "/opt/app/src/cache.cpp", .line = 12,
                                .module = program}));
  CHECK_FALSE(is_runtime_frame({.function = "??", .module = program}));
  CHECK_FALSE(is_runtime_frame({.function = "Pool::operator new(unsigned long)", .module = program}));
  CHECK_FALSE(is_runtime_frame({.function = "xmalloc", .module = "/opt/app/lib/libutil.so"}));
}

// How fast is bench/'s to measure (a test that times itself flakes on a shared machine):
// here, that a hundred thousand distinct addresses are all answered, and the second time,
// from the caches, the same way.
TEST_CASE("many distinct addresses are all symbolized, and the caches answer as the first pass did") {
  std::vector<ModuleInfo> modules = own_module_map();
  ModuleInfo self = module_holding(modules, direct_call_site().ip);
  ModuleInfo libc = module_holding(modules, testing::libc_malloc_address());
  constexpr uint64_t kAddresses = 100'000;
  auto spread = [](const ModuleInfo& module, uint64_t i, uint64_t count) {
    return module.start + 1 + (module.end - module.start - 2) * i / count;
  };

  Symbolizer symbolizer;
  symbolizer.set_module_map(1, modules);
  auto innermost_names = [&] {
    std::vector<std::string> names;
    for (uint64_t i = 0; i < kAddresses / 2; ++i)
      for (const ModuleInfo& module : {self, libc}) {
        auto frames = symbolizer.frames(spread(module, i, kAddresses / 2));
        names.push_back(frames.empty() ? std::string() : frames.front().function);
      }
    return names;
  };
  std::vector<std::string> cold = innermost_names();
  std::vector<std::string> cached = innermost_names();
  CHECK(cold.size() == kAddresses);
  CHECK(std::count(cold.begin(), cold.end(), std::string()) == 0);
  CHECK(cached == cold);
}

}  // namespace leakrank
