#include "preload/attach_lifetime.h"

#include <atomic>

#include "preload/got_patcher.h"
#include "preload/real_allocator.h"
#include "preload/session_client.h"
#include "transport/recorder_lock.h"

namespace leakrank::preload {
namespace {

std::atomic<bool> g_ending{false};  // one thread ends an orphaned attachment; the others go on

bool attached_to_dead_recorder() {
  SessionHeader* session = current_session();
  return session && allocator_slots_patched() && recorder_lock_abandoned(session);
}

}  // namespace

AttachResult begin_attachment(const char* session_name) {
  const RealAllocator* real = real_allocator();
  if (!real) return AttachResult::not_ready;
  if (real->interposed) return AttachResult::already_recording;  // LD_PRELOAD: `leakrank run` records it
  // A recorder killed before it could detach, in a process that has not allocated since:
  // end that attachment here rather than refuse a new one.
  if (attached_to_dead_recorder()) end_attachment(true);
  AttachResult result = attach_to_session(session_name);
  if (result != AttachResult::attached) return result;
  if (patch_allocator_slots() < 0) {
    detach_from_session();
    return AttachResult::not_patched;
  }
  return AttachResult::attached;
}

void end_attachment(bool recorder_gone) {
  restore_allocator_slots();
  detach_from_session(recorder_gone);
}

void end_attachment_if_recorder_gone() {
  if (!attached_to_dead_recorder() || g_ending.exchange(true, std::memory_order_acquire)) return;
  if (attached_to_dead_recorder()) end_attachment(true);
  g_ending.store(false, std::memory_order_release);
}

}  // namespace leakrank::preload
