#pragma once
// The calling thread's Python frames, merged into its native stack where the interpreter
// runs them: each _PyEval_EvalFrameDefault C frame runs the Python frames from the thread's
// current one back to the first that entered that C frame (is_entry), so those go in just
// inside it. A thread that released the GIL keeps its frames: they are read from its own
// thread state, not from whichever thread holds the GIL. Each code object is described to
// the recorder once (names, line table); lines are resolved at analysis. Nothing here takes
// the GIL, calls into Python or allocates: it reads memory of frames the thread is inside.
#include <cstdint>

#include "preload/capture_gate.h"

namespace leakrank::preload {

// Writes the merged stack into out (max_depth entries) and returns its depth; -1 when the
// thread runs no Python code, and then `native` stands as it is.
int merge_python_frames(const uintptr_t* native, int depth, uintptr_t* out, int max_depth);

// Capture ends: the table of code objects described to this session, for end_capture to
// unmap once no thread reads it. The next session starts a new one and describes them again.
Mapping take_python_code_table();

}  // namespace leakrank::preload
