#include "preload/session_client.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "preload/capture.h"
#include "preload/module_map.h"
#include "preload/own_memory.h"
#include "preload/python_allocator.h"
#include "preload/python_interpreter.h"
#include "preload/real_allocator.h"
#include "preload/thread_exit.h"
#include "preload/thread_ring.h"
#include "transport/shared_session.h"

namespace leakrank::preload {
namespace {

SessionHeader* g_session = nullptr;       // the session this process writes to
bool g_capture_ready = false;

bool register_child(SessionHeader* root, const char (&name)[kSessionNameSize], int32_t parent) {
  for (ChildEntry& entry : root->children) {
    int32_t expected = 0;
    if (!entry.pid.compare_exchange_strong(expected, -1)) continue;
    memcpy(entry.session_name, name, kSessionNameSize);
    entry.parent_pid = parent;
    entry.pid.store(int32_t(getpid()), std::memory_order_release);
    return true;
  }
  return false;
}

// A descendant records into a session of its own, announced in the root session.
SessionHeader* create_child_session(SessionHeader* root, int32_t parent, char (&name)[kSessionNameSize]) {
  SessionHeader* child = create_session(root->config, name);
  if (!child) return nullptr;
  memcpy(child->root_session_name, root->root_session_name, kSessionNameSize);
  child->target_pid.store(int32_t(getpid()));
  child->recorder_pid.store(root->recorder_pid.load());
  if (!register_child(root, name, parent)) {
    unmap_session(child);
    unlink_session(name);
    return nullptr;
  }
  return child;
}

// The session this pid registered before an execve replaced its image. The environment
// cannot name it: shells and other launchers build a child's environment themselves.
SessionHeader* registered_session_of(SessionHeader* root, int32_t pid) {
  for (ChildEntry& entry : root->children) {
    if (entry.pid.load(std::memory_order_acquire) != pid) continue;
    char name[kSessionNameSize];
    memcpy(name, entry.session_name, kSessionNameSize);
    return open_session(name);
  }
  return nullptr;
}

// A fork child sends its parent's last module map: it may not read the loader's list yet.
// An image that replaced another (execve) says so first: the old image's blocks are gone.
enum class Arrival { started, forked, replaced_image };
bool connect(SessionHeader* session, Arrival arrival = Arrival::started) {
  if (!g_capture_ready) {
    CaptureConfig config;
    config.max_depth = int(session->config.max_depth);
    config.sample_bytes = session->config.sample_bytes;
    g_capture_ready = init_capture(config);
    if (!g_capture_ready) return false;
  }
  prepare_thread_exit();
  open_capture();
  g_session = session;
  attach_thread_rings(session);
  session->own_memory_ledger.store(own_memory_ledger_address(), std::memory_order_relaxed);
  session->connected.store(1, std::memory_order_release);
  if (arrival == Arrival::replaced_image) record_exec();
  announce_python_interpreter();
  watch_python_allocators();
  if (arrival == Arrival::forked) resend_module_map_after_fork();
  else send_module_map(false);
  return true;
}

// The session's mapping, for end_capture to unmap once no thread writes to it any more.
Mapping session_mapping(SessionHeader* session) { return {session, session_bytes(session->config)}; }

// Capture starts anew in the next session: init_capture maps fresh tables.
void end_capture_of(SessionHeader* session) {
  end_capture(session_mapping(session));
  g_capture_ready = false;
}

}  // namespace

bool start_recording() {
  static std::atomic<int> state{0};  // 0 not tried, 1 trying, 2 done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) return g_session != nullptr;
  const char* name = getenv(kSessionEnv);  // always the root session's
  SessionHeader* root = name ? open_session(name) : nullptr;
  if (root) {
    int32_t self = int32_t(getpid());
    SessionHeader* session = root->target_pid.load() == self ? root : nullptr;
    if (!session && root->config.follow_children) {
      session = registered_session_of(root, self);
      char child_name[kSessionNameSize];
      if (!session) session = create_child_session(root, int32_t(getppid()), child_name);
    } else if (!session) {
      root->unrecorded_processes.note(self);
    }
    if (session != root) unmap_session(root);
    if (session) {
      // The same pid again: an execve replaced its image, whose threads are gone.
      bool replaced_image = session->connected.load();
      if (replaced_image) retire_rings_of_process(session, self);
      connect(session, replaced_image ? Arrival::replaced_image : Arrival::started);
    }
  }
  state.store(2);
  // Loaded by `leakrank attach`: the hooks are reached only through patched GOT slots, and
  // events go wherever attach_to_session points the thread rings.
  const RealAllocator* real = real_allocator();
  if (!name && real && !real->interposed) return true;
  return g_session != nullptr;
}

AttachResult attach_to_session(const char* name) {
  if (g_session) return AttachResult::already_recording;
  SessionHeader* session = open_session_reference(name);  // a memfd's descriptor in a container
  if (!session) return AttachResult::no_session;
  if (session->target_pid.load() != int32_t(getpid())) {
    unmap_session(session);
    return AttachResult::no_session;
  }
  return connect(session) ? AttachResult::attached : AttachResult::no_session;
}

SessionHeader* current_session() { return g_session; }

void detach_from_session(bool recorder_gone) {
  SessionHeader* session = g_session;
  if (!session) return;
  stop_recording();
  restore_python_allocators();
  g_session = nullptr;
  // A dead recorder cannot remove its session's name: the last one to leave it does.
  if (recorder_gone) unlink_session(session->root_session_name);
  // The pages leave this process's RSS now, even if a thread stopped mid-event keeps the
  // mapping a little longer. The recorder drains them once more after a detach, and then
  // frees them itself; a dead recorder cannot.
  madvise(session, session_bytes(session->config), recorder_gone ? MADV_REMOVE : MADV_DONTNEED);
  end_capture_of(session);
}

bool after_fork_in_child(bool may_record) {
  forget_thread_ring();
  SessionHeader* parent_session = g_session;
  if (!parent_session) return false;
  attach_thread_rings(nullptr);
  g_session = nullptr;
  SessionHeader* child = nullptr;
  if (may_record && parent_session->config.follow_children) {
    SessionHeader* root = open_session(parent_session->root_session_name);
    if (root) {
      char name[kSessionNameSize];
      child = create_child_session(root, int32_t(getppid()), name);
      unmap_session(root);
      // The parent changed LD_PRELOAD: a program this child execs will run unrecorded.
      if (child && !preload_in_environment()) child->preload_dropped.store(1);
    }
  } else if (!parent_session->config.follow_children) {
    parent_session->unrecorded_processes.note(int32_t(getpid()));
  }
  // The parent's rings are not ours to write, and every thread but this one is gone: what
  // capture mapped goes now (or as this thread leaves the event a signal handler forked in).
  end_capture_in_child(session_mapping(parent_session), !may_record);
  g_capture_ready = false;
  if (!child) return false;
  return connect(child, Arrival::forked);
}

void stop_recording() {
  attach_thread_rings(nullptr);
}

}  // namespace leakrank::preload
