// The CPython 3.11 layout leakrank reads frames by, against the installed 3.11 headers.
#include <doctest/doctest.h>

#include "preload/python_layout.h"

#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_frame.h>

namespace layout = leakrank::preload::python311;

static_assert(offsetof(PyThreadState, cframe) == layout::kThreadStateCFrame);
static_assert(offsetof(_PyCFrame, current_frame) == layout::kCFrameCurrentFrame);
static_assert(offsetof(_PyInterpreterFrame, f_code) == layout::kFrameCode);
static_assert(offsetof(_PyInterpreterFrame, previous) == layout::kFramePrevious);
static_assert(offsetof(_PyInterpreterFrame, prev_instr) == layout::kFramePrevInstr);
static_assert(offsetof(_PyInterpreterFrame, is_entry) == layout::kFrameIsEntry);
static_assert(offsetof(_PyInterpreterFrame, owner) == layout::kFrameOwner);
static_assert(offsetof(PyCodeObject, co_firstlineno) == layout::kCodeFirstLine);
static_assert(offsetof(PyCodeObject, co_filename) == layout::kCodeFilename);
static_assert(offsetof(PyCodeObject, co_name) == layout::kCodeName);
static_assert(offsetof(PyCodeObject, co_qualname) == layout::kCodeQualname);
static_assert(offsetof(PyCodeObject, co_linetable) == layout::kCodeLineTable);
static_assert(offsetof(PyCodeObject, _co_firsttraceable) == layout::kCodeFirstTraceable);
static_assert(offsetof(PyCodeObject, co_code_adaptive) == layout::kCodeInstructions);
static_assert(sizeof(_Py_CODEUNIT) == layout::kCodeUnitBytes);
static_assert(offsetof(PyVarObject, ob_size) == layout::kVarObjectSize);
static_assert(offsetof(PyBytesObject, ob_sval) == layout::kBytesData);
static_assert(offsetof(PyASCIIObject, length) == layout::kUnicodeLength);
static_assert(offsetof(PyASCIIObject, state) == layout::kUnicodeState);
static_assert(sizeof(PyASCIIObject) == layout::kAsciiData);
static_assert(sizeof(PyCompactUnicodeObject) == layout::kCompactData);
static_assert(FRAME_OWNED_BY_GENERATOR == layout::kOwnedByGenerator);

TEST_CASE("the 3.11 layout matches the installed headers") { CHECK(leakrank::preload::python_layout_known(PY_VERSION_HEX)); }
