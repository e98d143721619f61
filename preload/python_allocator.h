#pragma once
// Python's own allocators (PyMem_Malloc, PyObject_Malloc: pymalloc) hand out small objects
// from arenas the C library never sees. Once the interpreter is initialized, leakrank wraps
// those two domains, as tracemalloc does, without the program setting PYTHONMALLOC. The
// wrappers (hooks.cpp) keep the original's context, so a thread that reads the allocator
// half replaced calls a matching pair either way.
#include <atomic>

#include "preload/python_interpreter.h"

namespace leakrank::preload {

// The domains leakrank wraps: kPythonDomainMem and kPythonDomainObject.
constexpr int kWrappedPythonDomains[] = {kPythonDomainMem, kPythonDomainObject};

namespace detail {
inline PythonAllocator g_original_python_allocators[3];  // by domain
inline std::atomic<int> g_python_wrapping{0};  // 0 waiting (or not Python), 1 wrapping, 2 wrapped, 3 given up
void wrap_python_allocators(const PythonAllocator* (*wrapper_of)(int domain));
}  // namespace detail

// The allocator a wrapper of `domain` forwards to. Inline: every Python object passes here.
inline const PythonAllocator& original_python_allocator(int domain) {
  return detail::g_original_python_allocators[domain];
}

// Whether wrapping is done with: wrapped, given up, or under way on another thread.
inline bool python_allocators_settled() { return detail::g_python_wrapping.load(std::memory_order_relaxed) != 0; }

// Cheap until Python is initialized, then wraps its allocators once, with wrappers[domain].
// Inline up to the state check: every recorded allocation asks.
inline void wrap_python_allocators_once_initialized(const PythonAllocator* (*wrapper_of)(int domain)) {
  if (!python_allocators_settled()) detail::wrap_python_allocators(wrapper_of);
}
void restore_python_allocators();  // detach: the program's own allocators again

// wrap_python_allocators_once_initialized with leakrank's wrappers, which hooks.cpp defines.
// Asked on recorded calls, and when a session connects: an attach must not wait for the
// program's next malloc while pymalloc maps arenas unseen.
void watch_python_allocators();

}  // namespace leakrank::preload
