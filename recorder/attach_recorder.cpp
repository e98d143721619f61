#include "recorder/attach_recorder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "preload/attach_entry.h"
#include "recorder/library_injection.h"
#include "recorder/module_files.h"
#include "recorder/proc_status.h"
#include "recorder/process_identity.h"
#include "recorder/process_maps.h"
#include "recorder/ptrace_injector.h"
#include "recorder/remote_symbols.h"
#include "recorder/restoring_frame.h"
#include "recorder/recording_cadence.h"
#include "recorder/recording_names.h"
#include "recorder/session_folder.h"
#include "recorder/session_janitor.h"
#include "recorder/target_launcher.h"
#include "recorder/target_memfd.h"
#include "recorder/target_namespace.h"
#include "transport/monotonic_clock.h"
#include "transport/recorder_lock.h"
#include "transport/shared_session.h"

namespace leakrank {
namespace {

using preload::AttachResult;

volatile sig_atomic_t g_stop_requested = 0;

void on_stop_signal(int) { g_stop_requested = 1; }

void install_signal_handlers() {
  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &stop, nullptr);
  install_snapshot_request_handler();
}

std::string pid_text(pid_t pid) { return "pid " + std::to_string(pid); }

uid_t effective_uid_of(pid_t pid) {
  unsigned real = 0, effective = 0;  // "Uid:" lists real, effective, saved and filesystem uids
  if (sscanf(status_field(pid, "Uid").c_str(), "%u %u", &real, &effective) != 2) return geteuid();
  return effective;
}

// /proc/N exists for thread ids too: Tgid names the process a thread belongs to.
pid_t process_of_thread(pid_t tid) {
  std::string tgid = status_field(tid, "Tgid");
  return tgid.empty() ? tid : pid_t(std::stol(tgid));
}

bool is_stopped(pid_t pid) { return status_field(pid, "State").find('T') != std::string::npos; }

std::string milliseconds(double ms) {
  char text[32];
  snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

class Attachment {
 public:
  explicit Attachment(const AttachOptions& options)
      : options_(options), pid_(options.pid), cadence_(options.interval_s, std::nullopt) {}
  ~Attachment() {
    if (pidfd_ >= 0) close(pidfd_);
    if (session_) {
      // Drained for the last time: the pages go back to the system now, not when the target
      // unmaps them (it does once no thread of its own is inside an event any more).
      size_t bytes = session_bytes(session_->config);
      release_recorder_lock(session_);
      madvise(session_, bytes, MADV_REMOVE);
      munmap(session_, bytes);
      if (!session_in_target_memory_) unlink_session(session_name_);
    }
  }

  RunOutcome run();

 private:
  void check_target();
  void create_session();
  void create_session_in_target(PtraceInjector& injector, TargetMemfd& memfd);
  void set_up_session(SessionHeader* session);
  void inject();
  int64_t start_library(PtraceInjector& injector, const InjectedLibrary& library, uint64_t attach_function);
  void name_module_files();
  void record();
  void tick(uint64_t elapsed);
  bool target_exited() const;
  void detach();
  RecordingMeta meta() const;

  const AttachOptions& options_;
  pid_t pid_;
  RecordingCadence cadence_;
  DrainPacer pacer_;
  std::string library_;
  SessionHeader* session_ = nullptr;
  char session_name_[kSessionNameSize] = {};
  int pidfd_ = -1;
  uint64_t time_zero_ = 0;
  uint64_t detach_function_ = 0;
  uint64_t restorer_ = 0;
  bool target_gone_ = false;
  // A target in another mount namespace (a container) may see neither our library nor our
  // /dev/shm: the session then lives in a memfd the target made, shared with us.
  bool session_in_target_memory_ = false;
  InjectedLibrary library_in_target_;
  std::vector<MapsEntry> reserved_before_;  // the target's reservations when it was attached
  std::unique_ptr<ProcessRecorder> recorder_;
  RunOutcome outcome_;
};

void Attachment::check_target() {
  if (pid_ <= 0 || (kill(pid_, 0) != 0 && errno == ESRCH)) throw std::runtime_error("no such process: " + std::to_string(pid_));
  if (pid_ == getpid()) throw std::runtime_error("leakrank cannot attach to itself");
  if (pid_t process = process_of_thread(pid_); process != pid_)
    throw std::runtime_error(std::to_string(pid_) + " is a thread of pid " + std::to_string(process) +
                             ": attach to the process, pid " + std::to_string(process));
  // Opening its memory takes the same permission as ptrace attach: refuse before anything
  // is created for it, with the reason.
  int memory = open(("/proc/" + std::to_string(pid_) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (memory < 0 && (errno == EACCES || errno == EPERM)) throw std::runtime_error(explain_ptrace_refusal(pid_));
  if (memory >= 0) close(memory);
  pidfd_ = int(syscall(SYS_pidfd_open, pid_, 0));
  library_ = find_preload_library();
  std::optional<MappedObject> libc = find_mapped_object(pid_, {"libc.so", "libc-2."});
  std::optional<uint64_t> restorer = libc ? find_signal_restorer(pid_, libc->path) : std::nullopt;
  if (!restorer)
    throw std::runtime_error(pid_text(pid_) + " maps no glibc with a signal restorer (statically linked, or another "
                             "C library): cannot load libleakrank.so into it");
  restorer_ = *restorer;
}

// The recorder's side of a new session: who may write to it, and a lock that tells the
// target when the recorder is gone. The target compares target_pid with its getpid(),
// which counts in its own pid namespace.
void Attachment::set_up_session(SessionHeader* session) {
  session_ = session;
  session_->target_pid.store(pid_in_own_namespace(pid_));
  session_->recorder_pid.store(getpid());
  if (!hold_recorder_lock(session_)) throw std::runtime_error("cannot set up the recorder's liveness lock");
}

SessionConfig session_config(const AttachOptions& options) {
  SessionConfig config;
  config.max_depth = options.max_depth;
  config.sample_bytes = options.sample_bytes;
  return config;
}

// In our /dev/shm when the target shares our mounts. The target opens the segment as
// itself: make it its owner's, as run's target is ours.
void Attachment::create_session() {
  remove_abandoned_sessions();
  session_in_target_memory_ = !shares_mount_namespace(pid_);
  if (session_in_target_memory_) return;  // made during the injection, by the target
  SessionHeader* session = create_session_with_janitor(session_config(options_), session_name_);
  if (!session) throw std::runtime_error(std::string("cannot create shared memory for the rings: ") + strerror(errno));
  uid_t owner = effective_uid_of(pid_);
  if (owner != geteuid() && chown(session_file(session_name_).c_str(), owner, gid_t(-1)) != 0) {
    int error = errno;
    unmap_session(session);
    unlink_session(session_name_);
    throw std::runtime_error(std::string("cannot give the rings to uid ") + std::to_string(owner) + ": " + strerror(error));
  }
  set_up_session(session);
}

// A memfd the target creates (so it owns it) and we size and initialise through
// /proc/PID/fd/N: it needs no /dev/shm on either side, and leaves no name behind.
void Attachment::create_session_in_target(PtraceInjector& injector, TargetMemfd& memfd) {
  random_session_name(session_name_);  // shows in the target's maps, where the RSS sampler looks for it
  memfd = create_target_memfd(injector, pid_, session_name_, MFD_CLOEXEC, MFD_CLOEXEC);
  SessionHeader* session = create_session_in_file(memfd.local_fd, session_config(options_), session_name_);
  if (!session) throw std::runtime_error(std::string("cannot create the rings in the memory of ") + pid_text(pid_) + ": " + strerror(errno));
  set_up_session(session);
}

// leakrank_attach's AttachResult; the session's descriptor in the target is closed after
// it (the library has mapped it by then, or failed).
int64_t Attachment::start_library(PtraceInjector& injector, const InjectedLibrary& library, uint64_t attach_function) {
  TargetMemfd memfd;
  std::string reference = session_name_;
  try {
    if (session_in_target_memory_) {
      create_session_in_target(injector, memfd);
      reference = kSessionFdPrefix + std::to_string(memfd.target_fd);
    }
    int64_t result = injector.call_for_result(attach_function, &reference);
    close_target_memfd(injector, pid_, memfd);
    return result;
  } catch (const TargetExited&) {
    throw;
  } catch (...) {
    close_target_memfd(injector, pid_, memfd);
    unload_library(injector, pid_, library);
    throw;
  }
}

void Attachment::inject() {
  std::optional<uint64_t> attach_offset = dynamic_symbol_offset(library_, preload::kAttachSymbol);
  std::optional<uint64_t> detach_offset = dynamic_symbol_offset(library_, preload::kDetachSymbol);
  if (!attach_offset || !detach_offset) throw std::runtime_error(library_ + " has no attach entry point");
  PtraceInjector injector(pid_, restorer_);
  library_in_target_ = inject_library(injector, pid_, library_);
  uint64_t base = library_in_target_.base;
  int64_t result = start_library(injector, library_in_target_, base + *attach_offset);
  // A library that never joined the session has left nothing behind: it goes, unless an
  // earlier attach loaded it.
  AttachResult outcome = AttachResult(int(result));
  if (outcome != AttachResult::attached && outcome != AttachResult::not_patched)
    unload_library(injector, pid_, library_in_target_);
  // Read while every thread is still stopped: from here on, the hooks see every change.
  if (outcome == AttachResult::attached) reserved_before_ = reserved_ranges(pid_);
  injector.resume();
  outcome_.notes.push_back("attach paused " + pid_text(pid_) + " (" + std::to_string(injector.thread_count()) +
                           " threads) for " + milliseconds(injector.paused_ms()));
  switch (outcome) {
    case AttachResult::attached: break;
    case AttachResult::already_recording:
      throw std::runtime_error(pid_text(pid_) + " is already being recorded by another leakrank (run or attach)");
    case AttachResult::no_session:
      throw std::runtime_error(pid_text(pid_) + " could not open the recording session (" + session_name_ + ")");
    default: throw std::runtime_error("libleakrank.so could not start inside " + pid_text(pid_));
  }
  detach_function_ = base + *detach_offset;
}

// The analyzer opens the module files a recording names: a container's own files through
// its root, and our library by its path here rather than the descriptor it was loaded from.
void Attachment::name_module_files() {
  if (!session_in_target_memory_) return;
  recorder_->name_module_files_with([pid = pid_, loaded_as = library_in_target_.loaded_as, ours = library_](
                                        const std::string& path) {
    return path == loaded_as ? ours : module_file_from_here(pid, path);
  });
}

RecordingMeta Attachment::meta() const {
  return recording_meta(pid_, 0, command_line_of(pid_), time_zero_, options_.sample_bytes, options_.max_depth, true);
}

bool Attachment::target_exited() const {
  if (pidfd_ < 0) return kill(pid_, 0) != 0 && errno == ESRCH;
  pollfd exited{pidfd_, POLLIN, 0};
  return poll(&exited, 1, 0) > 0;
}

void Attachment::tick(uint64_t elapsed) {
  ProcessRecorder* processes[] = {recorder_.get()};
  cadence_.tick(elapsed, processes, outcome_.notes);
}

void Attachment::record() {
  uint64_t duration_ns = options_.duration_s ? uint64_t(*options_.duration_s * 1e9) : UINT64_MAX;
  for (;;) {
    uint64_t moved = recorder_->drain();
    uint64_t elapsed = monotonic_ns() - time_zero_;
    tick(elapsed);
    if (target_exited()) {
      target_gone_ = true;
      return;
    }
    if (g_stop_requested || elapsed >= duration_ns) return;
    pacer_.pause_after_drain(moved, pidfd_);
  }
}

// Through ptrace again rather than a flag the target polls: the slots are back and no new
// event can start by the time the call returns, so the final drain sees everything.
void Attachment::detach() {
  try {
    PtraceInjector injector(pid_, restorer_);
    injector.call_for_result(detach_function_, nullptr);
    injector.resume();
    outcome_.notes.push_back("detached; " + pid_text(pid_) + " paused " + milliseconds(injector.paused_ms()) +
                             (is_stopped(pid_) ? " and is stopped, as it was" : " and runs on"));
  } catch (const TargetExited&) {
    target_gone_ = true;
  }
}

RunOutcome Attachment::run() {
  check_target();
  check_recording_folder(options_.output);
  // Named before the target is touched: its command line may change while it is recorded.
  std::string path = recording_path_for(options_.output, program_name(command_line_of(pid_)), pid_, false);
  create_session();
  install_signal_handlers();
  time_zero_ = monotonic_ns();
  try {
    inject();
  } catch (const TargetExited&) {
    throw std::runtime_error(pid_text(pid_) + " exited while leakrank was attaching; nothing was recorded");
  }
  try {
    recorder_ = std::make_unique<ProcessRecorder>(session_, path, meta(), time_zero_);
    recorder_->note_reservations(reserved_before_);
    name_module_files();
    record();
  } catch (...) {
    if (!target_gone_) detach();  // never leave the service hooked into a session nobody drains
    throw;
  }
  if (!target_gone_) detach();
  recorder_->finish(-1);  // not our child: its exit status is not ours to collect
  outcome_.exit_code = target_gone_ ? kExitTargetGone : 0;
  if (target_gone_)
    outcome_.notes.push_back(pid_text(pid_) + " exited during the recording; the recording is kept: " + path);
  outcome_.duration_s = double(monotonic_ns() - time_zero_) / 1e9;
  outcome_.target = {int32_t(pid_), recorder_->path(), recorder_->stats(), recorder_->file_bytes()};
  return outcome_;
}

}  // namespace

RunOutcome attach_and_record(const AttachOptions& options) {
  Attachment attachment(options);
  return attachment.run();
}

}  // namespace leakrank
