#include "preload/python_allocator.h"

#include <atomic>

namespace leakrank::preload {

void detail::wrap_python_allocators(const PythonAllocator* (*wrapper_of)(int domain)) {
  const PythonInterpreter& python = python_interpreter();
  if (!python.present || !python.set_allocator) return g_python_wrapping.store(3, std::memory_order_relaxed);
  if (!python.is_initialized()) return;
  int expected = 0;
  if (!g_python_wrapping.compare_exchange_strong(expected, 1)) return;
  for (int domain : kWrappedPythonDomains) {
    python.get_allocator(domain, &g_original_python_allocators[domain]);
    PythonAllocator wrapper = *wrapper_of(domain);
    wrapper.ctx = g_original_python_allocators[domain].ctx;
    python.set_allocator(domain, &wrapper);
  }
  g_python_wrapping.store(2, std::memory_order_release);
}

void restore_python_allocators() {
  int expected = 2;
  if (!detail::g_python_wrapping.compare_exchange_strong(expected, 0)) return;
  for (int domain : kWrappedPythonDomains)
    python_interpreter().set_allocator(domain, &detail::g_original_python_allocators[domain]);
}

}  // namespace leakrank::preload
