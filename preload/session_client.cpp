#include "preload/session_client.h"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "preload/capture.h"
#include "preload/module_map.h"
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
SessionHeader* create_child_session(SessionHeader* root, int32_t parent) {
  char name[kSessionNameSize];
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

bool connect(SessionHeader* session) {
  if (!g_capture_ready) {
    CaptureConfig config;
    config.max_depth = int(session->config.max_depth);
    g_capture_ready = init_capture(config);
    if (!g_capture_ready) return false;
  }
  g_session = session;
  attach_thread_rings(session);
  session->connected.store(1, std::memory_order_release);
  send_module_map(false);
  return true;
}

}  // namespace

bool start_recording() {
  static std::atomic<int> state{0};  // 0 not tried, 1 trying, 2 done
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1)) return g_session != nullptr;
  const char* name = getenv(kSessionEnv);
  SessionHeader* session = name ? open_session(name) : nullptr;
  if (session) {
    int32_t self = int32_t(getpid());
    if (session->target_pid.load() == self) {
      // Same pid as the recorded process: an execve replaced its image, whose threads are gone.
      if (session->connected.load()) retire_rings_of_process(session, self);
      connect(session);
    } else {
      SessionHeader* child = session->config.follow_children ? create_child_session(session, int32_t(getppid())) : nullptr;
      unmap_session(session);
      if (child) connect(child);
    }
  }
  state.store(2);
  return g_session != nullptr;
}

bool after_fork_in_child() {
  forget_thread_ring();
  reset_module_map_after_fork();
  SessionHeader* parent_session = g_session;
  if (!parent_session) return false;
  attach_thread_rings(nullptr);
  g_session = nullptr;
  SessionHeader* child = nullptr;
  if (parent_session->config.follow_children) {
    SessionHeader* root = open_session(parent_session->root_session_name);
    if (root) {
      child = create_child_session(root, int32_t(getppid()));
      unmap_session(root);
    }
  }
  unmap_session(parent_session);  // the parent's rings are not ours to write
  if (!child) return false;
  reset_capture_after_fork();
  return connect(child);
}

void stop_recording() {
  attach_thread_rings(nullptr);
}

}  // namespace leakrank::preload
