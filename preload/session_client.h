#pragma once
// Which session this process writes to: the root session named in the environment when it
// is the recorded process; when it is a descendant and children are followed, the one its
// pid registered in the root before an execve (one pid, one recording) or else a new one;
// the one `leakrank attach` names; none otherwise.
namespace leakrank {
struct SessionHeader;
}
namespace leakrank::preload {

// not_patched: the GOT could not be patched after the session was joined, so the library
// has set up state (a thread-exit key) and must stay loaded; before that, it may be unloaded.
enum class AttachResult : int { attached = 0, already_recording = 1, no_session = 2, not_ready = 3, not_patched = 4 };

// Idempotent; true once this process records. Also true when `leakrank attach` loaded the
// library: its hooks are reached only once attached.
bool start_recording();
// The recorder created the session for this pid (as this pid namespace numbers it), named
// for shm_open or, in a container, given as a descriptor (open_session_reference).
AttachResult attach_to_session(const char* name);
// Stop writing; the library stays, inert. The session's pages leave this process's RSS; when
// the recorder is gone (nobody drains them any more) they are given back to the system too.
void detach_from_session(bool recorder_gone = false);
SessionHeader* current_session();                   // null while not recording
// pthread_atfork child handler, async-signal-safe: true when the child records. may_record
// is false when the child may have inherited a lock of leakrank's (preload/fork_gate.h).
bool after_fork_in_child(bool may_record);
void stop_recording();       // leave the library resident but inert (attach's detach)

}  // namespace leakrank::preload
