#pragma once
// Where CPython 3.11 keeps what a Python stack is made of, on x86-64: the offsets of the
// fields leakrank reads (Include/cpython/pystate.h, Include/internal/pycore_frame.h,
// Include/cpython/code.h, unicodeobject.h, bytesobject.h of 3.11). They hold for every
// 3.11 release; tests/unit/python_layout_test.cpp checks them against the installed headers.
// Another version's layout differs, so its frames are not read at all.
#include <cstddef>
#include <cstdint>

namespace leakrank::preload::python311 {

constexpr size_t kThreadStateCFrame = 56;     // PyThreadState::cframe (_PyCFrame*)
constexpr size_t kCFrameCurrentFrame = 8;     // _PyCFrame::current_frame (_PyInterpreterFrame*)
constexpr size_t kFrameCode = 32;             // _PyInterpreterFrame::f_code (PyCodeObject*)
constexpr size_t kFramePrevious = 48;         // _PyInterpreterFrame::previous
constexpr size_t kFramePrevInstr = 56;        // _PyInterpreterFrame::prev_instr (_Py_CODEUNIT*)
constexpr size_t kFrameIsEntry = 68;          // _PyInterpreterFrame::is_entry (bool)
constexpr size_t kFrameOwner = 69;            // _PyInterpreterFrame::owner (char)
constexpr size_t kCodeFirstLine = 72;         // PyCodeObject::co_firstlineno (int)
constexpr size_t kCodeFilename = 112;         // PyCodeObject::co_filename (str)
constexpr size_t kCodeName = 120;             // PyCodeObject::co_name (str)
constexpr size_t kCodeQualname = 128;         // PyCodeObject::co_qualname (str)
constexpr size_t kCodeLineTable = 136;        // PyCodeObject::co_linetable (bytes)
constexpr size_t kCodeFirstTraceable = 168;   // PyCodeObject::_co_firsttraceable (int)
constexpr size_t kCodeInstructions = 184;     // PyCodeObject::co_code_adaptive: the code units
constexpr size_t kCodeUnitBytes = 2;          // sizeof(_Py_CODEUNIT)
constexpr size_t kVarObjectSize = 16;         // PyVarObject::ob_size
constexpr size_t kBytesData = 32;             // PyBytesObject::ob_sval
constexpr size_t kUnicodeLength = 16;         // PyASCIIObject::length
constexpr size_t kUnicodeState = 32;          // PyASCIIObject::state (bit field)
constexpr size_t kAsciiData = 48;             // sizeof(PyASCIIObject): a compact ASCII string's text
constexpr size_t kCompactData = 72;           // sizeof(PyCompactUnicodeObject): other compact strings'
constexpr char kOwnedByGenerator = 1;         // _PyInterpreterFrame::owner: FRAME_OWNED_BY_GENERATOR

}  // namespace leakrank::preload::python311

namespace leakrank::preload {
inline bool python_layout_known(uint32_t version_hex) { return (version_hex >> 16) == 0x030b; }
}  // namespace leakrank::preload
