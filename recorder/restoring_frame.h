#pragma once
// The stack frame an injected call returns through so that the thread restores itself:
// the call's return address is glibc's signal restorer (`mov $15,%rax; syscall`, the
// rt_sigreturn system call), and above it lies a signal frame holding the thread's own
// registers, vector state and signal mask. When the call returns, the kernel puts the
// thread back exactly where it was, whether or not leakrank is still there to watch.
#include <sys/types.h>
#include <sys/user.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakrank {

// Where the target's libc has its signal restorer; nullopt when none is found.
std::optional<uint64_t> find_signal_restorer(pid_t pid, const std::string& libc_path);

struct RestoringFrame {
  uint64_t return_slot = 0;  // rsp on entry to the call: holds the restorer's address
  uint64_t text_at = 0;      // the copied text, 0 without text
  uint64_t result_at = 0;    // a zeroed word the call may write its result to
  std::vector<unsigned char> bytes;  // written at return_slot
};

// The state the thread goes back to: a system call it was stopped in is set up to restart
// (as the kernel would after a stop), since rt_sigreturn itself never restarts one.
user_regs_struct resumable_registers(const user_regs_struct& stopped);

// A frame below rsp's red zone. vector_state is NT_X86_XSTATE (or the FXSAVE area), mask
// the thread's blocked signals.
RestoringFrame build_restoring_frame(const user_regs_struct& resume_at, const std::vector<unsigned char>& vector_state,
                                     uint64_t blocked_signals, uint64_t restorer, const std::string* text);

constexpr uint64_t kSignalRestorerBytes = 9;  // the restorer's length: rip after its syscall

}  // namespace leakrank
