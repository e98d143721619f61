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

// The calling thread's Python frames, innermost first, at most room: python_frame() words,
// each also marking whether it is the first its C frame ran, so that the words alone, with
// the native stack, name the merged stack (and hash it without merging). 0: no Python runs.
int read_python_frames(uintptr_t* frames, int room);

// native with those frames merged in, into out (max_depth entries); returns its depth.
int merge_python_frames(const uintptr_t* native, int depth, const uintptr_t* frames, int count, uintptr_t* out,
                        int max_depth);

// Capture ends: the table of code objects described to this session, for end_capture to
// unmap once no thread reads it. The next session starts a new one and describes them again.
Mapping take_python_code_table();

}  // namespace leakrank::preload
