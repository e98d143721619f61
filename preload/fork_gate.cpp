#include "preload/fork_gate.h"

#include <sched.h>

#include <atomic>
#include <cstdint>

namespace leakrank::preload {
namespace {

// Sequentially consistent on both sides: a call that counts itself in and then finds no
// fork, and a fork that announces itself and then counts no call, cannot both go ahead.
std::atomic<bool> g_forking{false};
std::atomic<uint32_t> g_calls_under_way{0};
__attribute__((tls_model("initial-exec"))) thread_local uint32_t t_depth;  // nested calls

}  // namespace

ForkSensitiveCall::ForkSensitiveCall() : entered_(false) {
  if (t_depth > 0) {
    entered_ = true;
    ++t_depth;
    return;
  }
  if (g_forking.load()) return;
  g_calls_under_way.fetch_add(1);
  if (g_forking.load()) {
    g_calls_under_way.fetch_sub(1);
    return;
  }
  t_depth = 1;
  entered_ = true;
}

ForkSensitiveCall::~ForkSensitiveCall() {
  if (entered_ && --t_depth == 0) g_calls_under_way.fetch_sub(1);
}

bool inside_fork_sensitive_call() { return t_depth > 0; }

void close_gate_for_fork() {
  g_forking.store(true);
  uint32_t own = t_depth > 0 ? 1 : 0;  // a signal handler forking inside our own call
  while (g_calls_under_way.load() > own) sched_yield();
}

void open_gate_in_parent() { g_forking.store(false); }

bool open_gate_in_child() {
  bool forked_inside_call = t_depth > 0;
  g_calls_under_way.store(forked_inside_call ? 1 : 0);
  g_forking.store(false);
  return !forked_inside_call;
}

}  // namespace leakrank::preload
