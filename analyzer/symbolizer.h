#pragma once
// Turns instruction pointers into source frames with elfutils libdwfl, from the module map
// stored in the recording, so it works after the target is gone.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "recording/record_format.h"
#include "recording/record_kinds.h"

namespace leakrank {

struct Frame {
  uint64_t ip = 0;
  std::string function;  // demangled; "??" when unknown
  std::string file;      // source file, "" when unknown
  uint32_t line = 0;
  std::string module;    // path of the object that holds ip
  bool inlined = false;  // true for frames inlined into the one that follows them
  bool python = false;   // a Python frame (function, file and line of Python source)
  bool jit = false;      // code a JIT compiler made, named by its perf map
};

struct SymbolizerOptions {
  std::vector<std::string> debug_dirs;  // --debug-dir, searched before the default paths
  // false (--debug-dirs-only): separate debug information is looked for in debug_dirs alone,
  // not under /usr/lib/debug nor next to the binaries: a report as a machine without the
  // distribution's debug packages makes it, or from a debug tree copied from elsewhere.
  bool default_debug_dirs = true;
  // false: frames in runtime modules (libc, libstdc++, ...) are named from ELF symbols alone,
  // without file:line or inlined frames. Their debug information (libc's is compressed, and
  // libdw inflates all of it on opening) is most of the time a small recording's analysis
  // takes, and no site is named after such a frame unless --keep-frames is given.
  bool runtime_debug_info = true;
};

class Symbolizer {
 public:
  explicit Symbolizer(SymbolizerOptions options = {});
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // The module map in force for the stacks that follow (recording order).
  void set_module_map(uint32_t generation, const std::vector<ModuleInfo>& modules);
  // A Python code object that later stacks name (analyzer/python_code.h).
  void describe_python_code(const PythonCodeRecord& code);
  // Names of JIT code in no module, for the stacks that follow (analyzer/jit_symbols.h).
  void add_perf_map(const PerfMapRecord& lines);

  // Frames for one return address, innermost first: the inlined chain, then the real function.
  // Cached per (module map, ip). Return addresses point after the call, so the lookup uses ip - 1.
  const std::vector<Frame>& frames(uint64_t ip);

  // One line each: modules whose build-id changed on disk, missing files, and so on.
  const std::vector<std::string>& warnings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Frames from the allocator, libc, libstdc++, the dynamic loader, libunwind and leakrank
// itself: skipped when choosing a site's frame unless --keep-frames is given.
bool is_runtime_frame(const Frame& frame);
bool is_runtime_module(std::string_view path);

}  // namespace leakrank
