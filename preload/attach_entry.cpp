// The entry points `leakrank attach` calls inside a running process: start recording into
// the session it created and route the malloc family to the hooks; later, undo both.
#include "preload/attach_entry.h"

#include "preload/got_patcher.h"
#include "preload/real_allocator.h"

using namespace leakrank::preload;

extern "C" {

// Returns an AttachResult.
__attribute__((visibility("default"))) int leakrank_attach(const char* session_name) {
  const RealAllocator* real = real_allocator();
  if (!real || real->interposed) return int(real ? AttachResult::already_recording : AttachResult::not_ready);
  AttachResult result = attach_to_session(session_name);
  if (result != AttachResult::attached) return int(result);
  if (patch_allocator_slots() < 0) {
    detach_from_session();
    return int(AttachResult::not_ready);
  }
  return int(AttachResult::attached);
}

// Slots first: once they are back, no new event starts; then the session is let go.
__attribute__((visibility("default"))) int leakrank_detach() {
  restore_allocator_slots();
  detach_from_session();
  return 0;
}

}  // extern "C"
