#pragma once
// Creating and opening a session segment. Async-signal-safe and malloc-free: the preload
// library calls these from inside malloc hooks and right after fork.
#include "transport/session_layout.h"

namespace leakrank {

// Creates a 0600 segment with an unguessable name (written to name_out) and initialises it.
// Returns nullptr and sets errno on failure.
SessionHeader* create_session(const SessionConfig& config, char (&name_out)[kSessionNameSize]);
// Maps an existing segment after checking its magic, version and size; nullptr on failure.
SessionHeader* open_session(const char* name);
void unmap_session(SessionHeader* session);
bool unlink_session(const char* name);  // false when the name was gone already

}  // namespace leakrank
