#pragma once
// The life of an attachment inside the target: start it, end it when `leakrank attach`
// asks, and end it without being asked when the recorder is gone (SIGKILL, OOM), so that
// the process goes back to running natively and can be attached again.
#include "preload/session_client.h"

namespace leakrank::preload {



AttachResult begin_attachment(const char* session_name);
// Slots first: once they are back, no new event starts; then the session is let go.
void end_attachment(bool recorder_gone);
// Called now and then from the hook path (every 4096 allocations of a thread): a single
// load while the recorder lives. Malloc-free; safe while other threads run.
void end_attachment_if_recorder_gone();

}  // namespace leakrank::preload
