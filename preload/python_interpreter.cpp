#include "preload/python_interpreter.h"

#include <dlfcn.h>
#include <link.h>

#include "preload/python_layout.h"
#include "preload/thread_ring.h"
#include "transport/wire_event.h"

namespace leakrank::preload {
namespace {

PythonInterpreter g_interpreter;

template <typename Fn>
bool resolve(Fn& slot, const char* name) {
  slot = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
  return slot != nullptr;
}

// The eval loop's extent, from its ELF symbol's size.
bool find_eval_loop(PythonInterpreter& python) {
  void* start = dlsym(RTLD_DEFAULT, "_PyEval_EvalFrameDefault");
  Dl_info info{};
  void* entry = nullptr;
  if (!start || !dladdr1(start, &info, &entry, RTLD_DL_SYMENT) || !entry) return false;
  python.eval_start = reinterpret_cast<uintptr_t>(start);
  python.eval_end = python.eval_start + static_cast<const ElfW(Sym)*>(entry)->st_size;
  return python.eval_end > python.eval_start;
}

}  // namespace

void find_python_interpreter() {
  PythonInterpreter python;
  if (!resolve(python.is_initialized, "Py_IsInitialized")) return;
  // Py_Version came with 3.11: an interpreter without it is an older one (version 0).
  auto* version = reinterpret_cast<const unsigned long*>(dlsym(RTLD_DEFAULT, "Py_Version"));
  python.present = true;
  python.version_hex = version ? uint32_t(*version) : 0;
  // An older one is only named: its allocator struct differs before 3.5, and its frames anyway.
  bool api = version && resolve(python.this_thread_state, "PyGILState_GetThisThreadState") &&
             resolve(python.get_allocator, "PyMem_GetAllocator") &&
             resolve(python.set_allocator, "PyMem_SetAllocator");
  python.frames_readable = api && python_layout_known(python.version_hex) && find_eval_loop(python);
  g_interpreter = python;
}

const PythonInterpreter& python_interpreter() { return g_interpreter; }

void announce_python_interpreter() {
  if (!g_interpreter.present) return;
  RingWriter writer;
  if (!writer.begin(1)) return;
  writer.slot(0) = wire::Event{writer.sequence(0), g_interpreter.frames_readable, g_interpreter.version_hex, 0,
                               wire::EventKind::python_interpreter, {}};
  writer.commit(1);
}

}  // namespace leakrank::preload
