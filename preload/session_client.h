#pragma once
// Which session this process writes to: the root session named in the environment when it
// is the recorded process; when it is a descendant and children are followed, the one its
// pid registered in the root before an execve (one pid, one recording) or else a new one;
// the one `leakrank attach` names; none otherwise.
namespace leakrank {
struct SessionHeader;
}
namespace leakrank::preload {

enum class AttachResult : int { attached = 0, already_recording = 1, no_session = 2, not_ready = 3 };

// Idempotent; true once this process records. Also true when `leakrank attach` loaded the
// library: its hooks are reached only once attached.
bool start_recording();
AttachResult attach_to_session(const char* name);  // the recorder created the session for this pid
// Stop writing; the library stays, inert. The session's pages leave this process's RSS; when
// the recorder is gone (nobody drains them any more) they are given back to the system too.
void detach_from_session(bool recorder_gone = false);
SessionHeader* current_session();                   // null while not recording
// pthread_atfork child handler, async-signal-safe: true when the child records. may_record
// is false when the child may have inherited a lock of leakrank's (preload/fork_gate.h).
bool after_fork_in_child(bool may_record);
void stop_recording();       // leave the library resident but inert (attach's detach)

}  // namespace leakrank::preload
