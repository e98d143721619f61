#pragma once
// Which session this process writes to: the one named in the environment when it is the
// recorded process (also after an execve that kept its pid), a new one of its own when it
// is a descendant and children are followed, none otherwise.
namespace leakrank::preload {

bool start_recording();      // idempotent; true once this process records
bool after_fork_in_child();  // pthread_atfork child handler; true when the child records
void stop_recording();       // leave the library resident but inert (attach's detach)

}  // namespace leakrank::preload
