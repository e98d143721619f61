#pragma once
// The sessions /dev/shm holds. A name outlives its recorder only until the janitor removes
// it (session_janitor.h); if both were killed at once (killall, a container's end), the name
// keeps the rings' pages in memory for good. Each run and attach first removes such names.
#include <functional>
#include <string>
#include <string_view>

#include "transport/session_layout.h"

namespace leakrank {

// The file in /dev/shm a shared-memory name ("/leakrank-...") stands for.
std::string session_file(std::string_view session_name);

// Calls visit with each leakrank session this user may open, mapped for the call only.
void for_each_session(const std::function<void(const char* name, const SessionHeader& session)>& visit);

// Removes the names of sessions whose recorder died (its robust lock says so, whatever pid
// namespace it ran in), and of descendants' sessions whose root session is gone.
void remove_abandoned_sessions();

}  // namespace leakrank
