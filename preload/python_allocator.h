#pragma once
// Python's own allocators (PyMem_Malloc, PyObject_Malloc: pymalloc) hand out small objects
// from arenas the C library never sees. Once the interpreter is initialized, leakrank wraps
// those two domains, as tracemalloc does, without the program setting PYTHONMALLOC. The
// wrappers (hooks.cpp) keep the original's context, so a thread that reads the allocator
// half replaced calls a matching pair either way.
#include "preload/python_interpreter.h"

namespace leakrank::preload {

// The domains leakrank wraps: kPythonDomainMem and kPythonDomainObject.
constexpr int kWrappedPythonDomains[] = {kPythonDomainMem, kPythonDomainObject};

// The allocator a wrapper of `domain` forwards to.
const PythonAllocator& original_python_allocator(int domain);

// Cheap until Python is initialized, then wraps its allocators once, with wrappers[domain].
void wrap_python_allocators_once_initialized(const PythonAllocator* (*wrapper_of)(int domain));
void restore_python_allocators();  // detach: the program's own allocators again

// wrap_python_allocators_once_initialized with leakrank's wrappers, which hooks.cpp defines.
// Asked on recorded calls, and when a session connects: an attach must not wait for the
// program's next malloc while pymalloc maps arenas unseen.
void watch_python_allocators();

}  // namespace leakrank::preload
