#pragma once
// Memory a runtime library asks for while the loader runs its initializers, before main.
// Its frames have no symbols (`libstdc++.so.6+0xa57ba`), so without a name for what it is
// a reader sees an address and wonders whether the program leaks there.
#include <optional>
#include <span>
#include <string>

#include "analyzer/symbolizer.h"

namespace leakrank {

// "libstdc++ start-up (emergency exception pool)", "libfoo start-up": for a stack of runtime
// frames alone that passes through the loader's initializer calls; nullopt for any other.
std::optional<std::string> startup_block_name(std::span<const Frame> stack);

}  // namespace leakrank
