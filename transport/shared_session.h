#pragma once
// Creating and opening a session segment. Async-signal-safe and malloc-free: the preload
// library calls these from inside malloc hooks and right after fork.
#include "transport/session_layout.h"

namespace leakrank {

// Creates a 0600 segment with an unguessable name (written to name_out) and initialises it,
// its rings no larger than fitted_ring_capacity allows. Returns nullptr and sets errno on failure.
SessionHeader* create_session(const SessionConfig& config, char (&name_out)[kSessionNameSize]);
// Maps an existing segment after checking its magic, version and size; nullptr on failure.
SessionHeader* open_session(const char* name);
void unmap_session(SessionHeader* session);
bool unlink_session(const char* name);  // false when the name was gone already

// The ring capacity a session gets: config.ring_capacity, halved while all its rings would
// fill more than half of the free_bytes left in the shared-memory filesystem, down to a floor.
uint32_t fitted_ring_capacity(const SessionConfig& config, uint64_t free_bytes);
constexpr uint32_t kMinRingCapacity = 4096;

}  // namespace leakrank
