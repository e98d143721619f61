#pragma once
// The memory of the calling thread's own stack, found without locks or allocation.
// pthread_getattr_np cannot serve a hook: it holds the thread's own lock while it calls
// realloc, so a thread whose first allocation happens inside it (every JVM thread) would
// wait on itself, and for the main thread it reads /proc with stdio.
#include <cstdint>

namespace leakrank::preload {

struct StackMemory {
  uintptr_t low = 0, high = 0;  // a mapping that stays mapped while the thread lives
  bool empty() const { return high == 0; }
  bool holds(uintptr_t address, uintptr_t size) const { return address >= low && address + size <= high; }
};

// The mapping that holds the stack pointer, when it is this thread's own stack: the one
// holding the thread's control block (glibc puts it atop every thread's stack, given or
// made), or for the main thread the one holding __libc_stack_end. Empty while the thread
// runs on another stack (a coroutine's, a signal stack) or /proc cannot be read.
StackMemory current_thread_stack();

}  // namespace leakrank::preload
