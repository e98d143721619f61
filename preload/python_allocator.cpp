#include "preload/python_allocator.h"

#include <atomic>

namespace leakrank::preload {
namespace {

PythonAllocator g_original[3];
std::atomic<int> g_state{0};  // 0 waiting (or not Python), 1 wrapping, 2 wrapped, 3 given up

}  // namespace

const PythonAllocator& original_python_allocator(int domain) { return g_original[domain]; }

void wrap_python_allocators_once_initialized(const PythonAllocator* (*wrapper_of)(int domain)) {
  if (g_state.load(std::memory_order_relaxed) != 0) return;
  const PythonInterpreter& python = python_interpreter();
  if (!python.present || !python.set_allocator) return g_state.store(3, std::memory_order_relaxed);
  if (!python.is_initialized()) return;
  int expected = 0;
  if (!g_state.compare_exchange_strong(expected, 1)) return;
  for (int domain : kWrappedPythonDomains) {
    python.get_allocator(domain, &g_original[domain]);
    PythonAllocator wrapper = *wrapper_of(domain);
    wrapper.ctx = g_original[domain].ctx;
    python.set_allocator(domain, &wrapper);
  }
  g_state.store(2, std::memory_order_release);
}

void restore_python_allocators() {
  int expected = 2;
  if (!g_state.compare_exchange_strong(expected, 0)) return;
  for (int domain : kWrappedPythonDomains) python_interpreter().set_allocator(domain, &g_original[domain]);
}

}  // namespace leakrank::preload
