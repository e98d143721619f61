#pragma once
// Creating and opening a session segment. Async-signal-safe and malloc-free: the preload
// library calls these from inside malloc hooks and right after fork.
#include "transport/session_layout.h"

namespace leakrank {

// Creates a 0600 segment with an unguessable name (written to name_out) and initialises it,
// its rings no larger than fitted_ring_capacity allows. Returns nullptr and sets errno on failure.
SessionHeader* create_session(const SessionConfig& config, char (&name_out)[kSessionNameSize]);
// The same under a name the caller chose (random_session_name), so that it can hand the name
// to a janitor first (recorder/session_janitor.h). EEXIST if taken.
SessionHeader* create_named_session(const SessionConfig& config, const char (&name)[kSessionNameSize]);
// The same in a file the caller opened (a memfd made inside an attached process): name is
// only recorded as the root session's. The caller keeps fd; no name is made or removed.
SessionHeader* create_session_in_file(int fd, const SessionConfig& config, const char (&name)[kSessionNameSize]);
void random_session_name(char (&name_out)[kSessionNameSize]);  // kSessionNamePrefix, then 32 hex digits
// Maps an existing segment after checking its magic, version and size; nullptr on failure.
SessionHeader* open_session(const char* name);
SessionHeader* open_session_file(int fd);  // the same for an open descriptor, which stays open
// A session named either way: kSessionFdPrefix and a descriptor number, or a shm_open name.
SessionHeader* open_session_reference(const char* reference);
constexpr char kSessionFdPrefix[] = "fd:";
void unmap_session(SessionHeader* session);
bool unlink_session(const char* name);  // false when the name was gone already

// The ring capacity a session gets: config.ring_capacity, halved while all its rings would
// fill more than half of the free_bytes left in the shared-memory filesystem, down to a floor.
uint32_t fitted_ring_capacity(const SessionConfig& config, uint64_t free_bytes);
constexpr uint32_t kMinRingCapacity = 4096;

}  // namespace leakrank
