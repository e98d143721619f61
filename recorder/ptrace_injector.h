#pragma once
// Runs functions inside another process with ptrace, without gdb: every thread is seized and
// stopped, one of them calls the function on its own stack. The call returns through a
// signal frame holding that thread's registers, vector state and signal mask
// (restoring_frame.h), so the thread is back in its own state whether or not leakrank
// lives to see the call end; the stack bytes written below its red zone are put back too.
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace leakrank {

// The target exited (or was killed) while it was stopped for us.
struct TargetExited : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class PtraceInjector {
 public:
  // Seizes and stops every thread. Throws std::runtime_error naming what forbids it.
  // signal_restorer: the target libc's rt_sigreturn stub (find_signal_restorer).
  PtraceInjector(pid_t pid, uint64_t signal_restorer);
  ~PtraceInjector();  // resume()
  PtraceInjector(const PtraceInjector&) = delete;
  PtraceInjector& operator=(const PtraceInjector&) = delete;

  // Calls function(text, second), text copied onto the target's stack; its return value is
  // lost with the thread's restore. Throws TargetExited, or std::runtime_error when it never
  // returns (the thread then finishes the call and restores itself on its own).
  uint64_t call(uint64_t function, const std::string& text, uint64_t second);
  // Calls function(text, int64_t* result) or, without text, function(int64_t* result), and
  // returns what it wrote to *result.
  int64_t call_for_result(uint64_t function, const std::string* text);
  // Calls function(first, second) with plain integer arguments (close, dlclose).
  void call_with(uint64_t function, uint64_t first, uint64_t second = 0);
  // Calls function() and returns what it left in rax, read as it reaches the restorer. The
  // call is stepped one instruction at a time: for short functions only (dlerror).
  uint64_t call_for_return_value(uint64_t function);
  uint64_t read_word(uint64_t address);
  std::string read_string(uint64_t address, size_t max_bytes = 512);

  void resume();                      // every thread goes on as if nothing happened
  double paused_ms() const { return paused_ms_; }
  size_t thread_count() const { return threads_.size(); }

 private:
  struct Thread {
    pid_t tid;
    user_regs_struct regs;
    int pending_signal = 0;  // a signal that stopped it instead of our interrupt: delivered on resume
    bool running = false;    // let go early so a lock our call waits for can be released
    // For calls: the state each call returns the thread to.
    user_regs_struct resume_at{};
    std::vector<unsigned char> vectors;
    uint64_t blocked = 0;
  };
  struct CallArguments {
    const std::string* text = nullptr;  // copied onto the stack; the first argument
    uint64_t first = 0;                 // the first argument when there is no text
    uint64_t second = 0;
    bool result_word = false;           // the argument after text/first: a zeroed word for the result
    bool return_value = false;          // step the call to read rax where it returns
  };
  void seize_all();
  bool seize(pid_t tid);
  void wait_for_stop(Thread& thread);
  Thread& caller();
  uint64_t run_call(Thread& thread, uint64_t function, const CallArguments& arguments);
  uint64_t wait_for_return(Thread& thread, uint64_t result_at, bool step_to_return);
  void let_others_run(const Thread& caller);
  bool step(pid_t tid);  // on to the next branch, or instruction where branches cannot be stepped

  pid_t pid_;
  uint64_t restorer_;
  std::vector<Thread> threads_;
  uint64_t stopped_at_ns_ = 0;
  double paused_ms_ = 0;
  bool resumed_ = false;
  int caller_index_ = -1;
  __ptrace_request step_request_ = PTRACE_SINGLEBLOCK;
};

// Why ptrace may not touch pid: ptrace_scope, capabilities, owner, another tracer.
std::string explain_ptrace_refusal(pid_t pid);

}  // namespace leakrank
