#pragma once
// Shared-memory names outlive a recorder that is SIGKILLed or OOM-killed. A small detached
// process removes them then: it waits on a pipe whose only writer is the recorder, and the
// kernel closes that pipe however the recorder ends.

#include "transport/session_layout.h"

namespace leakrank {

// Removes session_name, and every descendant session registered under it, once this process
// ends. Call it before starting threads or the target: the janitor is forked from here.
void start_session_janitor(const char* session_name);

// A new session in /dev/shm that nothing can leave behind: a janitor starts for a fresh name
// first, and only then is the segment made under that name, so that no instant leaves a
// segment nobody would remove. nullptr and errno on failure.
SessionHeader* create_session_with_janitor(const SessionConfig& config, char (&name_out)[kSessionNameSize]);

}  // namespace leakrank
