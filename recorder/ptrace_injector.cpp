#include "recorder/ptrace_injector.h"

#include <elf.h>
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
#include <filesystem>
#include <fstream>
#include <set>

#include "transport/monotonic_clock.h"

namespace leakrank {
namespace {

constexpr uint64_t kRedZone = 128;                   // System V: leaf code may use it below rsp
constexpr uint64_t kSoloCallNs = 300'000'000;        // then let the other threads release locks
constexpr uint64_t kCallGiveUpNs = 10'000'000'000;
constexpr size_t kXStateBytes = 16 * 1024;           // XSAVE area; AMX needs ~11 KiB

std::string status_field(const std::string& path, const std::string& field) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) {
      size_t at = line.find_first_not_of(" \t", field.size() + 1);
      return at == std::string::npos ? "" : line.substr(at);
    }
  return "";
}

std::vector<pid_t> thread_ids(pid_t pid) {
  std::vector<pid_t> tids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error))
    tids.push_back(pid_t(std::stol(entry.path().filename().string())));
  return tids;
}

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

// The call returns to address 0; the fault is the sign it finished. A blocked SIGSEGV would
// make the kernel reset the process's SIGSEGV handler, so such a thread is never the caller.
bool blocks_segv(pid_t pid, pid_t tid) {
  std::string mask = status_field("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/status", "SigBlk");
  return !mask.empty() && (std::stoull(mask, nullptr, 16) >> (SIGSEGV - 1)) & 1;
}

void sleep_us(long us) {
  timespec nap{0, us * 1000};
  nanosleep(&nap, nullptr);
}

struct SavedMemory {
  uint64_t address;
  std::vector<unsigned char> bytes;
};

bool copy_from(pid_t pid, uint64_t address, void* out, size_t size) {
  iovec local{out, size}, remote{reinterpret_cast<void*>(address), size};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == ssize_t(size);
}

bool copy_to(pid_t pid, uint64_t address, const void* data, size_t size) {
  iovec local{const_cast<void*>(data), size}, remote{reinterpret_cast<void*>(address), size};
  return process_vm_writev(pid, &local, 1, &remote, 1, 0) == ssize_t(size);
}

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

void restore_vector_state(pid_t tid, std::vector<unsigned char>& state) {
  if (state.size() == sizeof(user_fpregs_struct)) {
    ptrace(PTRACE_SETFPREGS, tid, nullptr, state.data());
  } else if (!state.empty()) {
    iovec io{state.data(), state.size()};
    ptrace(PTRACE_SETREGSET, tid, NT_X86_XSTATE, &io);
  }
}

}  // namespace

PtraceInjector::PtraceInjector(pid_t pid) : pid_(pid) {
  seize_all();
  if (threads_.empty()) throw TargetExited("pid " + std::to_string(pid) + " exited before it could be stopped");
}

PtraceInjector::~PtraceInjector() { resume(); }

bool PtraceInjector::seize(pid_t tid) {
  if (ptrace(PTRACE_SEIZE, tid, nullptr, nullptr) != 0) {
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
    if (threads_[i].pending_signal || blocks_segv(pid_, threads_[i].tid)) continue;
    if (waiting_syscall(long(threads_[i].regs.orig_rax))) {
      caller_index_ = int(i);
      return threads_[i];
    }
    if (fallback < 0) fallback = int(i);
  }
  if (fallback < 0) throw std::runtime_error("no thread of pid " + std::to_string(pid_) + " can run a call (all block SIGSEGV)");
  caller_index_ = fallback;
  return threads_[size_t(fallback)];
}

uint64_t PtraceInjector::call(uint64_t function, std::string_view text, uint64_t second) {
  return run_call(caller(), function, text, true, second);
}

uint64_t PtraceInjector::call(uint64_t function) { return run_call(caller(), function, {}, false, 0); }

uint64_t PtraceInjector::run_call(Thread& thread, uint64_t function, std::string_view text, bool has_text,
                                  uint64_t second) {
  if (resumed_) throw std::logic_error("call after resume");
  std::vector<unsigned char> vectors = vector_state(thread.tid);
  // Below the red zone: the text, 16-aligned, then the return address 0 so that rsp % 16 == 8
  // on entry, as after a call instruction.
  uint64_t text_at = (thread.regs.rsp - kRedZone - text.size() - 1) & ~uint64_t(15);
  uint64_t return_slot = text_at - 8;
  SavedMemory saved{return_slot, std::vector<unsigned char>(thread.regs.rsp - kRedZone - return_slot)};
  if (!copy_from(pid_, saved.address, saved.bytes.data(), saved.bytes.size()))
    throw std::runtime_error("cannot read the stack of thread " + std::to_string(thread.tid));
  std::vector<unsigned char> frame(saved.bytes.size(), 0);
  if (has_text) memcpy(frame.data() + 8, text.data(), text.size());
  if (!copy_to(pid_, return_slot, frame.data(), frame.size()))
    throw std::runtime_error("cannot write the stack of thread " + std::to_string(thread.tid));

  user_regs_struct regs = thread.regs;
  regs.rip = function;
  regs.rsp = return_slot;
  regs.rdi = has_text ? text_at : 0;
  regs.rsi = second;
  regs.rax = 0;
  regs.orig_rax = uint64_t(-1);  // no syscall restart on the way out: we are not returning into it
  if (ptrace(PTRACE_SETREGS, thread.tid, nullptr, &regs) != 0 || ptrace(PTRACE_CONT, thread.tid, nullptr, nullptr) != 0)
    throw TargetExited("thread " + std::to_string(thread.tid) + " exited");
  uint64_t result = wait_for_return(thread);

  // Back to exactly where it was; a syscall it was stopped in restarts from the saved orig_rax.
  ptrace(PTRACE_SETREGS, thread.tid, nullptr, &thread.regs);
  restore_vector_state(thread.tid, vectors);
  copy_to(pid_, saved.address, saved.bytes.data(), saved.bytes.size());
  return result;
}

uint64_t PtraceInjector::wait_for_return(Thread& thread) {
  uint64_t started = monotonic_ns();
  for (long nap = 20;; nap = std::min(nap * 2, 2000L)) {
    int status = 0;
    pid_t got = waitpid(thread.tid, &status, __WALL | WNOHANG);
    if (got < 0 || (got == thread.tid && (WIFEXITED(status) || WIFSIGNALED(status))))
      throw TargetExited("pid " + std::to_string(pid_) + " exited during the call");
    if (got == thread.tid && WIFSTOPPED(status)) {
      user_regs_struct regs{};
      ptrace(PTRACE_GETREGS, thread.tid, nullptr, &regs);
      if (WSTOPSIG(status) == SIGSEGV && regs.rip == 0) return regs.rax;
      if (WSTOPSIG(status) == SIGSEGV || WSTOPSIG(status) == SIGBUS)
        throw std::runtime_error("the call crashed inside pid " + std::to_string(pid_));
      // Another signal meanwhile: it is delivered on resume, not inside our call.
      if (status >> 16 == 0) thread.pending_signal = WSTOPSIG(status);
      ptrace(PTRACE_CONT, thread.tid, nullptr, nullptr);
      continue;
    }
    uint64_t waited = monotonic_ns() - started;
    if (waited > kSoloCallNs) let_others_run(thread);
    if (waited > kCallGiveUpNs) throw std::runtime_error("the call inside pid " + std::to_string(pid_) + " did not return");
    sleep_us(nap);
  }
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
  if (!copy_from(pid_, address, &word, sizeof word))
    throw std::runtime_error("cannot read the memory of pid " + std::to_string(pid_));
  return word;
}

std::string PtraceInjector::read_string(uint64_t address, size_t max_bytes) {
  std::string text;
  char c = 0;
  while (text.size() < max_bytes && copy_from(pid_, address + text.size(), &c, 1) && c) text.push_back(c);
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

std::string explain_ptrace_refusal(pid_t pid) {
  std::string why = "not permitted to trace pid " + std::to_string(pid);
  std::string status = "/proc/" + std::to_string(pid) + "/status";
  if (std::string tracer = status_field(status, "TracerPid"); !tracer.empty() && tracer != "0")
    return why + ": it is already traced by pid " + tracer + " (a debugger or strace)";
  std::string uid = status_field(status, "Uid");
  uid = uid.substr(0, uid.find_first_of(" \t"));
  std::string capabilities = status_field("/proc/self/status", "CapEff");
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
  return why + (can_trace_anyone ? ": refused despite CAP_SYS_PTRACE (a security module, or a setuid/undumpable process)"
                                 : ": missing CAP_SYS_PTRACE (the process may be undumpable or setuid)");
}

}  // namespace leakrank
