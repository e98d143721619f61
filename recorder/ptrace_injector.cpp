#include "recorder/ptrace_injector.h"

#include <elf.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "recorder/proc_status.h"
#include "recorder/process_identity.h"
#include "recorder/restoring_frame.h"
#include "recorder/target_memory.h"
#include "transport/monotonic_clock.h"

namespace leakrank {
namespace {

constexpr uint64_t kSoloCallNs = 300'000'000;        // then let the other threads release locks
constexpr uint64_t kCallGiveUpNs = 10'000'000'000;
constexpr size_t kXStateBytes = 16 * 1024;           // XSAVE area; AMX needs ~11 KiB

// Syscalls a thread waits in without holding the allocator's or the loader's locks.
bool waiting_syscall(long number) {
  switch (number) {
    case SYS_futex: case SYS_nanosleep: case SYS_clock_nanosleep: case SYS_rt_sigtimedwait:
    case SYS_rt_sigsuspend: case SYS_pause: case SYS_poll: case SYS_ppoll: case SYS_select:
    case SYS_pselect6: case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_read: case SYS_recvfrom:
    case SYS_recvmsg: case SYS_accept: case SYS_accept4: case SYS_wait4: case SYS_waitid:
      return true;
  }
  return false;
}

void sleep_us(long us) {
  timespec nap{0, us * 1000};
  nanosleep(&nap, nullptr);
}

struct SavedMemory {
  uint64_t address;
  std::vector<unsigned char> bytes;
};


std::vector<unsigned char> vector_state(pid_t tid) {
  std::vector<unsigned char> state(kXStateBytes);
  iovec io{state.data(), state.size()};
  if (ptrace(PTRACE_GETREGSET, tid, NT_X86_XSTATE, &io) != 0) {
    state.resize(sizeof(user_fpregs_struct));
    if (ptrace(PTRACE_GETFPREGS, tid, nullptr, state.data()) != 0) state.clear();
    return state;
  }
  state.resize(io.iov_len);
  return state;
}

}  // namespace

PtraceInjector::PtraceInjector(pid_t pid, uint64_t signal_restorer) : pid_(pid), restorer_(signal_restorer) {
  seize_all();
  if (threads_.empty()) throw TargetExited("pid " + std::to_string(pid) + " exited before it could be stopped");
}

PtraceInjector::~PtraceInjector() { resume(); }

bool PtraceInjector::seize(pid_t tid) {
  if (ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(long(PTRACE_O_TRACESYSGOOD))) != 0) {
    if (errno == ESRCH) return false;  // exited meanwhile
    if (errno == EPERM && threads_.empty()) throw std::runtime_error(explain_ptrace_refusal(pid_));
    throw std::runtime_error("cannot trace thread " + std::to_string(tid) + ": " + strerror(errno));
  }
  if (!stopped_at_ns_) stopped_at_ns_ = monotonic_ns();
  if (ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) != 0) {
    ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
    return false;
  }
  return true;
}

// All interrupts go out before the first wait, so the threads' wake-ups overlap. Threads may
// start meanwhile: list them again until a pass finds none new.
void PtraceInjector::seize_all() {
  std::set<pid_t> seen;
  for (bool found_new = true; found_new;) {
    found_new = false;
    std::vector<Thread> interrupted;
    for (pid_t tid : thread_ids(pid_)) {
      if (!seen.insert(tid).second) continue;
      found_new = true;
      if (seize(tid)) interrupted.push_back(Thread{tid, {}});
    }
    for (Thread& thread : interrupted) {
      try {
        wait_for_stop(thread);
        threads_.push_back(thread);
      } catch (const TargetExited&) {
        // this thread exited: the others may still be there
      }
    }
  }
}

void PtraceInjector::wait_for_stop(Thread& thread) {
  for (;;) {
    int status = 0;
    if (waitpid(thread.tid, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status))
      throw TargetExited("thread " + std::to_string(thread.tid) + " exited");
    if (!WIFSTOPPED(status)) continue;
    if (status >> 16 == PTRACE_EVENT_STOP) break;  // our interrupt, or a group stop
    if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {    // a call we gave up on, stepping: let it finish alone
      ptrace(PTRACE_CONT, thread.tid, nullptr, nullptr);
      continue;
    }
    // A signal arrived first: keep it for later; the interrupt stop still follows.
    thread.pending_signal = WSTOPSIG(status);
    ptrace(PTRACE_CONT, thread.tid, nullptr, nullptr);
  }
  if (ptrace(PTRACE_GETREGS, thread.tid, nullptr, &thread.regs) != 0)
    throw TargetExited("thread " + std::to_string(thread.tid) + " exited");
}

// Prefer a thread parked in a waiting syscall: it holds no allocator or loader lock.
PtraceInjector::Thread& PtraceInjector::caller() {
  if (caller_index_ >= 0) return threads_[size_t(caller_index_)];
  int fallback = -1;
  for (size_t i = 0; i < threads_.size(); ++i) {
    if (threads_[i].pending_signal) continue;
    if (waiting_syscall(long(threads_[i].regs.orig_rax))) {
      caller_index_ = int(i);
      return threads_[i];
    }
    if (fallback < 0) fallback = int(i);
  }
  if (fallback < 0) throw std::runtime_error("no thread of pid " + std::to_string(pid_) + " can run a call (each has a signal pending)");
  caller_index_ = fallback;
  return threads_[size_t(fallback)];
}

uint64_t PtraceInjector::call(uint64_t function, const std::string& text, uint64_t second) {
  return run_call(caller(), function, {.text = &text, .second = second});
}

int64_t PtraceInjector::call_for_result(uint64_t function, const std::string* text) {
  return int64_t(run_call(caller(), function, {.text = text, .result_word = true}));
}

void PtraceInjector::call_with(uint64_t function, uint64_t first, uint64_t second) {
  run_call(caller(), function, {.first = first, .second = second});
}

uint64_t PtraceInjector::call_for_return_value(uint64_t function) {
  return run_call(caller(), function, {.return_value = true});
}

// The call returns through a frame that restores the thread (recorder/restoring_frame.h):
// nothing the thread needs is left to this process, which may be killed at any instant.
uint64_t PtraceInjector::run_call(Thread& thread, uint64_t function, const CallArguments& arguments) {
  if (resumed_) throw std::logic_error("call after resume");
  // A call given up on is still finishing on its own: its registers are not ours to set.
  if (thread.running) throw std::runtime_error("thread " + std::to_string(thread.tid) + " is still in an earlier call");
  if (thread.vectors.empty()) {  // the thread's own state, read once: every call ends in it
    thread.vectors = vector_state(thread.tid);
    if (thread.vectors.empty() || ptrace(PTRACE_GETSIGMASK, thread.tid, sizeof thread.blocked, &thread.blocked) != 0)
      throw std::runtime_error("cannot read the state of thread " + std::to_string(thread.tid));
    thread.resume_at = resumable_registers(thread.regs);
  }
  RestoringFrame frame = build_restoring_frame(thread.resume_at, thread.vectors, thread.blocked, restorer_, arguments.text);
  SavedMemory saved{frame.return_slot, std::vector<unsigned char>(frame.bytes.size())};
  if (!read_target_memory(pid_, saved.address, saved.bytes.data(), saved.bytes.size()) ||
      !write_target_memory(pid_, frame.return_slot, frame.bytes.data(), frame.bytes.size()))
    throw std::runtime_error("cannot write the stack of thread " + std::to_string(thread.tid));

  // The arguments in order: text or first, then the result word, then second.
  std::vector<uint64_t> values;
  if (arguments.text) values.push_back(frame.text_at);
  else if (!arguments.result_word) values.push_back(arguments.first);
  if (arguments.result_word) values.push_back(frame.result_at);
  values.insert(values.end(), {arguments.second, 0});
  user_regs_struct regs = thread.resume_at;
  regs.rip = function;
  regs.rsp = frame.return_slot;
  regs.rdi = values[0];
  regs.rsi = values[1];
  regs.rax = 0;
  if (ptrace(PTRACE_SETREGS, thread.tid, nullptr, &regs) != 0 ||
      !(arguments.return_value ? step(thread.tid) : ptrace(PTRACE_SYSCALL, thread.tid, nullptr, nullptr) == 0))
    throw TargetExited("thread " + std::to_string(thread.tid) + " exited");
  thread.running = true;
  uint64_t result = wait_for_return(thread, arguments.result_word ? frame.result_at : 0, arguments.return_value);
  thread.running = false;
  write_target_memory(pid_, saved.address, saved.bytes.data(), saved.bytes.size());  // dead bytes below the red zone, as they were
  return result;
}

// Steps the caller from system call to system call until it enters rt_sigreturn from our
// restorer (the call returned: its result word is read then) and leaves it (the thread is
// back in its own state, stopped). step_to_return: single-steps until the call reaches the
// restorer, where rax still holds its return value; were leakrank killed meanwhile, the
// kernel clears the trap flag as it detaches and the thread restores itself all the same.
uint64_t PtraceInjector::wait_for_return(Thread& thread, uint64_t result_at, bool step_to_return) {
  uint64_t started = monotonic_ns();
  bool returned = false;
  uint64_t result = 0;
  int spins = 0;  // a step stops within microseconds: a nap would cost more than the step
  for (long nap = 20;; nap = std::min(nap * 2, 2000L)) {
    int status = 0;
    pid_t got = waitpid(thread.tid, &status, __WALL | WNOHANG);
    if (got < 0 || (got == thread.tid && (WIFEXITED(status) || WIFSIGNALED(status))))
      throw TargetExited("pid " + std::to_string(pid_) + " exited during the call");
    if (got == thread.tid && WIFSTOPPED(status)) {
      int signal = WSTOPSIG(status);
      if (step_to_return && signal == SIGTRAP && status >> 16 == 0) {
        user_regs_struct regs{};
        ptrace(PTRACE_GETREGS, thread.tid, nullptr, &regs);
        if (regs.rip == restorer_) {
          result = regs.rax;
          step_to_return = false;
        }
      } else if (signal == (SIGTRAP | 0x80)) {
        if (returned) return result;  // the exit of rt_sigreturn: the thread is itself again
        user_regs_struct regs{};
        ptrace(PTRACE_GETREGS, thread.tid, nullptr, &regs);
        if (regs.orig_rax == SYS_rt_sigreturn && regs.rip == restorer_ + kSignalRestorerBytes) {
          returned = true;
          if (result_at) result = read_word(result_at);
        }
      } else if (signal == SIGSEGV || signal == SIGBUS) {
        throw std::runtime_error("the call crashed inside pid " + std::to_string(pid_));
      } else if (status >> 16 == 0) {
        thread.pending_signal = signal;  // delivered on resume, not inside our call
      }
      if (step_to_return) step(thread.tid);
      else ptrace(PTRACE_SYSCALL, thread.tid, nullptr, nullptr);
      nap = 10;  // the next stop comes within microseconds: it is stepped through system calls
      spins = 0;
      continue;
    }
    uint64_t waited = monotonic_ns() - started;
    if (waited > kSoloCallNs) let_others_run(thread);
    if (waited > kCallGiveUpNs) throw std::runtime_error("the call inside pid " + std::to_string(pid_) + " did not return");
    if (step_to_return && spins++ < 1000) {
      sched_yield();
      continue;
    }
    sleep_us(nap);
  }
}

// Stepping from branch to branch (x86's BTF) stops far less often than instruction by
// instruction, and still stops where a ret lands; where the CPU or hypervisor lacks it, the
// kernel refuses it (EIO) and each instruction is stepped.
bool PtraceInjector::step(pid_t tid) {
  if (ptrace(step_request_, tid, nullptr, nullptr) == 0) return true;
  if (errno != EIO || step_request_ != PTRACE_SINGLEBLOCK) return false;
  step_request_ = PTRACE_SINGLESTEP;
  return ptrace(step_request_, tid, nullptr, nullptr) == 0;
}

// The call waits for a lock a stopped thread holds (the loader's, an allocator arena's):
// letting the others go is the only way it can finish. Their state was never touched.
void PtraceInjector::let_others_run(const Thread& caller) {
  for (Thread& thread : threads_) {
    if (thread.tid == caller.tid || thread.running) continue;
    ptrace(PTRACE_CONT, thread.tid, nullptr, reinterpret_cast<void*>(long(thread.pending_signal)));
    thread.pending_signal = 0;
    thread.running = true;
  }
}

uint64_t PtraceInjector::read_word(uint64_t address) {
  uint64_t word = 0;
  if (!read_target_memory(pid_, address, &word, sizeof word))
    throw std::runtime_error("cannot read the memory of pid " + std::to_string(pid_));
  return word;
}

std::string PtraceInjector::read_string(uint64_t address, size_t max_bytes) {
  std::string text;
  char c = 0;
  while (text.size() < max_bytes && read_target_memory(pid_, address + text.size(), &c, 1) && c) text.push_back(c);
  return text;
}

void PtraceInjector::resume() {
  if (resumed_) return;
  resumed_ = true;
  for (Thread& thread : threads_) {
    if (thread.running && ptrace(PTRACE_INTERRUPT, thread.tid, nullptr, nullptr) == 0) {
      try {
        wait_for_stop(thread);  // detaching needs a stopped tracee
      } catch (const TargetExited&) {
        continue;
      }
    }
    ptrace(PTRACE_DETACH, thread.tid, nullptr, reinterpret_cast<void*>(long(thread.pending_signal)));
  }
  if (stopped_at_ns_) paused_ms_ = double(monotonic_ns() - stopped_at_ns_) / 1e6;
}

namespace {

// Who holds the ptrace: another leakrank recording it, or a debugger, strace or the like by name.
std::string describe_tracer(pid_t tracer) {
  std::vector<std::string> command = command_line_of(tracer);
  std::string name = program_name(command);
  if (name == "leakrank" && command.size() > 1)
    return "another leakrank (pid " + std::to_string(tracer) + ", leakrank " + command[1] + ")";
  return "pid " + std::to_string(tracer) + " (" + name + ")";
}

}  // namespace

std::string explain_ptrace_refusal(pid_t pid) {
  std::string why = "not permitted to trace pid " + std::to_string(pid);
  if (std::string tracer = status_field(pid, "TracerPid"); !tracer.empty() && tracer != "0")
    return why + ": it is already traced by " + describe_tracer(pid_t(std::stol(tracer)));
  std::string uid = status_field(pid, "Uid");
  uid = uid.substr(0, uid.find_first_of(" \t"));
  std::string capabilities = status_field(getpid(), "CapEff");
  bool can_trace_anyone = !capabilities.empty() && (std::stoull(capabilities, nullptr, 16) >> 19) & 1;  // CAP_SYS_PTRACE
  if (!can_trace_anyone && !uid.empty() && uid != std::to_string(geteuid()))
    return why + ": it belongs to uid " + uid + ", you are uid " + std::to_string(geteuid()) +
           " without CAP_SYS_PTRACE (run as that user, or as root)";
  std::ifstream scope_file("/proc/sys/kernel/yama/ptrace_scope");
  int scope = -1;
  if (scope_file >> scope && scope >= 1 && !(scope < 3 && can_trace_anyone))
    return why + ": kernel.yama.ptrace_scope is " + std::to_string(scope) +
           (scope == 3 ? " (ptrace disabled until reboot)"
                       : " and leakrank lacks CAP_SYS_PTRACE (run as root, `setcap cap_sys_ptrace+ep leakrank`, "
                         "or `sysctl kernel.yama.ptrace_scope=0`)");
  // A seccomp filter on leakrank (a container's default profile) fails ptrace with EPERM too.
  if (status_field(getpid(), "Seccomp") == "2")
    return why + ": leakrank runs under a seccomp filter that may forbid ptrace (in a container: "
                 "--cap-add=SYS_PTRACE, or a profile that allows ptrace and process_vm_readv/writev)";
  return why + (can_trace_anyone ? ": refused despite CAP_SYS_PTRACE (a security module, or a setuid/undumpable process)"
                                 : ": missing CAP_SYS_PTRACE (the process may be undumpable or setuid)");
}

}  // namespace leakrank
