#pragma once
// Starts the command to record with libleakrank.so preloaded and the session named in its
// environment.
#include <sys/types.h>

#include <string>
#include <vector>

#include "transport/session_layout.h"

namespace leakrank {

// Where libleakrank.so is: $LEAKRANK_PRELOAD, else next to the leakrank binary, else
// ../lib/leakrank/ relative to it. Throws std::runtime_error when it is nowhere.
std::string find_preload_library();

// Forks and execs command. The child records its pid in the session before exec, so the
// preload library knows it is the recorded process. On exec failure the child prints why
// and exits 127, as a shell does.
pid_t launch_target(const std::vector<std::string>& command, SessionHeader* session,
                    const char* session_name, const std::string& preload_library);

}  // namespace leakrank
