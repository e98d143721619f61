#pragma once
// The objects loaded in the target (path, address range, load bias, build-id), sent on
// start and whenever dlopen/dlclose change them, so stacks can be symbolized later.
#include <atomic>
#include <cstdint>

namespace leakrank::preload {

// Sends a complete module map now. Serialised: one map is in flight at a time.
// After an unload the generation changes, so stacks seen again are sent again.
void send_module_map(bool after_unload);
// dlopen is not wrapped (a wrapper would change whose RUNPATH the loader searches), so a
// newly loaded object is noticed when a new stack holds an address outside the last map.
void refresh_module_map_if_unknown(const uintptr_t* ips, int depth);
namespace detail {
inline std::atomic<uint64_t> g_module_generation{1};
}  // namespace detail

// Mixed into stack hashes. Inline: every recorded allocation asks.
inline uint64_t module_generation() { return detail::g_module_generation.load(std::memory_order_acquire); }
// A fork child, before it may read the loader's list: the parent's last map, sent again to
// the child's own session.
void resend_module_map_after_fork();

}  // namespace leakrank::preload
