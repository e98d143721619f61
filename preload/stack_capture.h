#pragma once
// Call stacks of the allocating code, with libunwind's local-only, cached unwinder.
#include <cstdint>

namespace leakrank::preload {

constexpr int kMaxStackDepth = 256;

void init_stack_capture();  // caching policy, and the address range of leakrank's own code
// Fills ips with return addresses, innermost first, leakrank's own frames removed.
int capture_stack(uintptr_t* ips, int max_depth);

}  // namespace leakrank::preload
