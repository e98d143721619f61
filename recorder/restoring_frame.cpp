#include "recorder/restoring_frame.h"

#include <sys/syscall.h>

#include <algorithm>
#include <cstring>

#include "recorder/process_maps.h"
#include "recorder/target_memory.h"

namespace leakrank {
namespace {

constexpr uint64_t kRedZone = 128;  // System V: leaf code may use it below rsp
// glibc's __restore_rt on x86-64: mov $15,%rax (rt_sigreturn); syscall.
constexpr unsigned char kRestorer[kSignalRestorerBytes] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};

// The kernel's x86-64 signal frame (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h);
// glibc's ucontext_t has another layout.
struct KernelSigcontext {
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
};
struct KernelStack {
  uint64_t sp;
  int32_t flags, padding;
  uint64_t size;
};
struct KernelUcontext {
  uint64_t flags, link;
  KernelStack stack;
  KernelSigcontext mcontext;
  uint64_t sigmask;
};
static_assert(sizeof(KernelSigcontext) == 256 && sizeof(KernelUcontext) == 304);
constexpr size_t kSiginfoBytes = 128;
constexpr uint64_t kUcSigcontextSs = 2, kUcStrictRestoreSs = 4;
// An invalid sigaltstack mode: rt_sigreturn then leaves the thread's alternate stack as it is
// (the error is ignored), which we cannot read from outside.
constexpr int32_t kKeepAltStack = 3;
constexpr uint32_t kXstateMagic1 = 0x46505853, kXstateMagic2 = 0x46505845;
constexpr size_t kSwBytesOffset = 464;  // fpx_sw_bytes inside the FXSAVE area

std::vector<MapsEntry> executable_mappings(pid_t pid, const std::string& path) {
  std::vector<MapsEntry> ranges;
  for (MapsEntry& entry : read_process_maps(pid))
    if (entry.path == path && entry.permissions.size() >= 3 && entry.permissions[2] == 'x') ranges.push_back(std::move(entry));
  return ranges;
}

void put(std::vector<unsigned char>& bytes, size_t at, const void* data, size_t size) {
  memcpy(bytes.data() + at, data, size);
}

}  // namespace

std::optional<uint64_t> find_signal_restorer(pid_t pid, const std::string& libc_path) {
  for (const MapsEntry& range : executable_mappings(pid, libc_path)) {
    std::vector<unsigned char> code(range.end - range.start);
    if (!read_target_memory(pid, range.start, code.data(), code.size())) continue;
    auto found = std::search(code.begin(), code.end(), std::begin(kRestorer), std::end(kRestorer));
    if (found != code.end()) return range.start + uint64_t(found - code.begin());
  }
  return std::nullopt;
}

user_regs_struct resumable_registers(const user_regs_struct& stopped) {
  user_regs_struct regs = stopped;
  if (int64_t(stopped.orig_rax) >= 0) {
    switch (-int64_t(stopped.rax)) {
      case 512: case 513: case 514:  // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND
        regs.rax = stopped.orig_rax;
        regs.rip -= 2;  // back onto the syscall instruction
        break;
      case 516:  // ERESTART_RESTARTBLOCK: a sleep resumes with what remained of it
        regs.rax = SYS_restart_syscall;
        regs.rip -= 2;
        break;
    }
  }
  regs.orig_rax = uint64_t(-1);
  return regs;
}

RestoringFrame build_restoring_frame(const user_regs_struct& resume_at, const std::vector<unsigned char>& vector_state,
                                     uint64_t blocked_signals, uint64_t restorer, const std::string* text) {
  // From the top down: the vector state (64-aligned for XRSTOR, then a 4-byte end marker),
  // the text, the signal frame. rsp % 16 == 8 at entry, as after a call instruction.
  uint64_t top = resume_at.rsp - kRedZone;
  uint64_t fpstate_at = (top - vector_state.size() - 4) & ~uint64_t(63);
  uint64_t text_at = text ? (fpstate_at - text->size() - 1) & ~uint64_t(15) : fpstate_at;
  uint64_t ucontext_at = (text_at - sizeof(KernelUcontext) - kSiginfoBytes) & ~uint64_t(15);
  RestoringFrame frame;
  frame.return_slot = ucontext_at - 8;
  frame.text_at = text ? text_at : 0;
  frame.result_at = ucontext_at + sizeof(KernelUcontext);  // the siginfo, which rt_sigreturn ignores
  frame.bytes.assign(top - frame.return_slot, 0);

  KernelUcontext context{};
  context.flags = kUcSigcontextSs | kUcStrictRestoreSs;
  context.stack.flags = kKeepAltStack;
  KernelSigcontext& m = context.mcontext;
  const user_regs_struct& r = resume_at;
  m = {r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rdi, r.rsi, r.rbp, r.rbx, r.rdx, r.rax, r.rcx,
       r.rsp, r.rip, r.eflags, uint16_t(r.cs), uint16_t(r.gs), uint16_t(r.fs), uint16_t(r.ss), 0, 0, 0, 0,
       fpstate_at, {}};
  context.sigmask = blocked_signals;

  put(frame.bytes, 0, &restorer, 8);
  put(frame.bytes, 8, &context, sizeof context);
  if (text) put(frame.bytes, text_at - frame.return_slot, text->c_str(), text->size() + 1);
  put(frame.bytes, fpstate_at - frame.return_slot, vector_state.data(), vector_state.size());
  uint32_t magic1 = 0, xstate_size = 0;
  if (vector_state.size() >= kSwBytesOffset + 16) {
    memcpy(&magic1, vector_state.data() + kSwBytesOffset, 4);
    memcpy(&xstate_size, vector_state.data() + kSwBytesOffset + 12, 4);
  }
  // Without the end marker the kernel restores only the x87/SSE part (the rest to its
  // initial state): put it where the sizes the kernel wrote into the state say.
  if (magic1 == kXstateMagic1 && xstate_size <= vector_state.size())
    put(frame.bytes, fpstate_at - frame.return_slot + xstate_size, &kXstateMagic2, 4);
  return frame;
}

}  // namespace leakrank
