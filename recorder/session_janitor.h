#pragma once
// Shared-memory names outlive a recorder that is SIGKILLed or OOM-killed. A small detached
// process removes them then: it waits on a pipe whose only writer is the recorder, and the
// kernel closes that pipe however the recorder ends.

namespace leakrank {

// Removes session_name, and every descendant session registered under it, once this process
// ends. Call it before starting threads or the target: the janitor is forked from here.
void start_session_janitor(const char* session_name);

}  // namespace leakrank
