#pragma once
// Keeps fork from splitting leakrank's calls into code that takes locks of its own
// (libunwind, the loader's list of objects): a fork waits for such calls under way, and a
// call that would begin while a fork is being prepared is not made. A child therefore never
// starts with a lock that one of leakrank's calls held, without any lock of ours on the
// hook path: the program's threads never wait for each other here, only fork waits.
namespace leakrank::preload {

// Marks one such call on this thread; check entered() before making it.
class ForkSensitiveCall {
 public:
  ForkSensitiveCall();
  ~ForkSensitiveCall();
  ForkSensitiveCall(const ForkSensitiveCall&) = delete;
  ForkSensitiveCall& operator=(const ForkSensitiveCall&) = delete;
  bool entered() const { return entered_; }

 private:
  bool entered_;
};

// Whether this thread is inside such a call: what is mapped meanwhile is mapped for leakrank.
bool inside_fork_sensitive_call();

// pthread_atfork handlers. The child's result: false when fork was called from inside such
// a call (a signal handler that forked), so the child may hold its locks and must not record.
void close_gate_for_fork();
void open_gate_in_parent();
bool open_gate_in_child();

}  // namespace leakrank::preload
