#pragma once
// The CPython interpreter a process runs, if any, found by the symbols it exports (the
// executable, or libpython). Frames are read only from a version whose layout leakrank
// knows (preload/python_layout.h); any other is announced to the recorder, which says so,
// and its stacks keep the interpreter's C frames.
#include <cstddef>
#include <cstdint>

namespace leakrank::preload {

// CPython's PyMemAllocatorEx, part of its stable ABI.
struct PythonAllocator {
  void* ctx;
  void* (*malloc)(void* ctx, size_t size);
  void* (*calloc)(void* ctx, size_t count, size_t size);
  void* (*realloc)(void* ctx, void* p, size_t size);
  void (*free)(void* ctx, void* p);
};
enum PythonAllocatorDomain { kPythonDomainRaw = 0, kPythonDomainMem = 1, kPythonDomainObject = 2 };

struct PythonInterpreter {
  bool present = false;
  bool frames_readable = false;  // the version's layout is known
  uint32_t version_hex = 0;      // PY_VERSION_HEX, e.g. 0x030b02f0 for 3.11.2; 0: before 3.11
  uintptr_t eval_start = 0;      // _PyEval_EvalFrameDefault: one C frame runs Python frames
  uintptr_t eval_end = 0;
  void* (*this_thread_state)() = nullptr;  // PyGILState_GetThisThreadState: a TSS lookup, no lock
  int (*is_initialized)() = nullptr;
  void (*get_allocator)(int domain, PythonAllocator* allocator) = nullptr;
  void (*set_allocator)(int domain, PythonAllocator* allocator) = nullptr;

  bool runs_python_at(uintptr_t return_address) const {
    return return_address > eval_start && return_address <= eval_end;
  }
};

// Looks the interpreter up (dlsym may allocate: call it inside leakrank's own scope).
void find_python_interpreter();
const PythonInterpreter& python_interpreter();

// Tells the recorder which interpreter runs, once per session (a fork child's too).
void announce_python_interpreter();

}  // namespace leakrank::preload
