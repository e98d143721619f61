#include "recorder/recorder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "recorder/process_identity.h"
#include "recorder/recording_names.h"
#include "recorder/recording_cadence.h"
#include "recorder/session_folder.h"
#include "recorder/session_janitor.h"
#include "recorder/target_launcher.h"
#include "transport/monotonic_clock.h"
#include "transport/recorder_lock.h"
#include "transport/shared_session.h"

namespace leakrank {
namespace {

volatile sig_atomic_t g_signal_to_forward = 0;

// Ctrl-C in a terminal reaches the whole process group, target included: forward only
// signals sent to leakrank alone (kill, a service manager), never twice.
void on_terminating_signal(int signal, siginfo_t* info, void*) {
  if (info->si_code == SI_USER || info->si_code == SI_QUEUE) g_signal_to_forward = signal;
}

void install_signal_handlers() {
  struct sigaction forward {};
  forward.sa_sigaction = on_terminating_signal;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaction(signal, &forward, nullptr);
  install_snapshot_request_handler();
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

// The entry can serve another descendant.
void free_entry(ChildEntry& entry) {
  entry.adopted.store(0, std::memory_order_relaxed);
  entry.pid.store(0, std::memory_order_release);
}

// A descendant's session keeps its name until the descendant exits: an execve'd image
// finds its session again by that name.
struct Child {
  std::unique_ptr<ProcessRecorder> recorder;
  int pidfd = -1;
  std::string session_name;
  ChildEntry* entry = nullptr;  // freed once the process is gone
};

class Recording {
 public:
  explicit Recording(const RunOptions& options)
      : options_(options), cadence_(options.interval_s, options.snapshot_every_s) {}
  ~Recording() {
    if (target_pidfd_ >= 0) close(target_pidfd_);
    if (session_) {
      release_recorder_lock(session_);
      unmap_session(session_);
      unlink_session(session_name_);
    }
    for (Child& child : children_) {
      if (child.pidfd >= 0) close(child.pidfd);
      unlink_session(child.session_name.c_str());
    }
  }

  RunOutcome run();

 private:
  void start();
  bool poll_target();
  void adopt_new_children();
  void reap_exited_children();
  void finish_child(Child& child);
  void note_unrecorded_processes();
  void tick();
  RecordingMeta meta_for(pid_t pid, int32_t parent, std::vector<std::string> command, uint64_t time_zero) const;
  void check_threshold(uint64_t elapsed);
  void outlive_target_after();

  const RunOptions& options_;
  RecordingCadence cadence_;
  DrainPacer pacer_;
  SessionHeader* session_ = nullptr;
  char session_name_[kSessionNameSize] = {};
  pid_t target_ = -1;
  int target_pidfd_ = -1;  // wakes the loop when the target exits; -1 on kernels before 5.3
  int wait_status_ = 0;
  uint64_t time_zero_ = 0;
  bool threshold_crossed_ = false;
  std::unique_ptr<ProcessRecorder> root_;
  std::vector<Child> children_;
  std::vector<RecordedProcess> finished_children_;
  RunOutcome outcome_;
};


RecordingMeta Recording::meta_for(pid_t pid, int32_t parent, std::vector<std::string> command,
                                  uint64_t time_zero) const {
  return recording_meta(pid, parent, std::move(command), time_zero, options_.sample_bytes, options_.max_depth, false);
}

void Recording::start() {
  check_recording_folder(options_.output);
  std::string preload = find_preload_library();
  SessionConfig config;
  config.max_depth = options_.max_depth;
  config.follow_children = options_.include_children;
  config.sample_bytes = options_.sample_bytes;
  remove_abandoned_sessions();
  session_ = create_session_with_janitor(config, session_name_);
  if (!session_) throw std::runtime_error(std::string("cannot create shared memory for the rings: ") + strerror(errno));
  session_->recorder_pid.store(getpid());
  // On the thread that lives as long as the recording: the target and a later sweep
  // (session_folder.h) see the recorder's death from its lock.
  if (!hold_recorder_lock(session_)) throw std::runtime_error("cannot set up the recorder's liveness lock");
  install_signal_handlers();
  time_zero_ = monotonic_ns();
  target_ = launch_target(options_.command, session_, session_name_, preload);
  if (target_ < 0) throw std::runtime_error(std::string("cannot start the command: ") + strerror(errno));
  target_pidfd_ = int(syscall(SYS_pidfd_open, target_, 0));
  std::string path = recording_path_for(options_.output, program_name(options_.command), target_, false);
  try {
    root_ = std::make_unique<ProcessRecorder>(session_, path, meta_for(target_, 0, options_.command, time_zero_),
                                              time_zero_, options_.follow_target ? options_.follow_target(path) : BlockObserver{});
  } catch (...) {
    kill(target_, SIGKILL);  // nothing could be recorded: do not leave it running unobserved
    waitpid(target_, nullptr, 0);
    throw;
  }
}

bool Recording::poll_target() {
  pid_t done = waitpid(target_, &wait_status_, WNOHANG);
  return done == target_;
}

void Recording::adopt_new_children() {
  for (ChildEntry& entry : session_->children) {
    int32_t pid = entry.pid.load(std::memory_order_acquire);
    if (pid <= 0 || entry.adopted.load(std::memory_order_relaxed)) continue;
    char name[kSessionNameSize];
    memcpy(name, entry.session_name, kSessionNameSize);
    int32_t parent = entry.parent_pid;
    entry.adopted.store(1, std::memory_order_relaxed);
    SessionHeader* session = open_session(name);
    if (!session) {
      free_entry(entry);
      continue;
    }
    std::vector<std::string> command = command_line_of(pid);
    std::string path = recording_path_for(options_.output, program_name(command), pid, true);
    // Its time starts now, as it has just connected: a 50 ms child is 50 ms long, wherever
    // it falls in the run (its meta's start time places it there).
    uint64_t born = monotonic_ns();
    Child child;
    child.recorder = std::make_unique<ProcessRecorder>(session, path, meta_for(pid, parent, command, born), born);
    child.pidfd = int(syscall(SYS_pidfd_open, pid, 0));
    child.session_name = name;
    child.entry = &entry;
    root_->note_child(pid, path);
    children_.push_back(std::move(child));
  }
}

void Recording::reap_exited_children() {
  for (size_t i = 0; i < children_.size();) {
    Child& child = children_[i];
    pollfd exited{child.pidfd, POLLIN, 0};
    bool gone = child.pidfd < 0 || poll(&exited, 1, 0) > 0;
    if (!gone) {
      ++i;
      continue;
    }
    finish_child(child);
    unmap_session(child.recorder->session());
    unlink_session(child.session_name.c_str());
    free_entry(*child.entry);
    if (child.pidfd >= 0) close(child.pidfd);
    children_.erase(children_.begin() + long(i));
  }
}

void Recording::finish_child(Child& child) {
  ProcessRecorder& recorder = *child.recorder;
  recorder.finish(-1);  // not our child: its exit status is its parent's to collect
  finished_children_.push_back({recorder.pid(), recorder.path(), recorder.stats(), recorder.file_bytes()});
  if (recorder.session()->preload_dropped.load() && recorder.stats().allocations == 0)
    outcome_.notes.push_back("descendant " + std::to_string(recorder.pid()) +
                             " recorded nothing: its parent removed libleakrank.so from LD_PRELOAD, so the "
                             "program it ran was not recorded");
}

// A wrapper (time, sudo, a shell script) runs the real program in a child: without
// --include-children the recording holds only the wrapper, which says why it is so empty.
void Recording::note_unrecorded_processes() {
  uint32_t started = session_->unrecorded_processes.count();
  if (options_.include_children || started == 0) return;
  outcome_.notes.push_back("the target started " + std::to_string(started) +
                           (started == 1 ? " process that was" : " processes that were") +
                           " not recorded; --include-children records them");
}

void Recording::tick() {
  uint64_t elapsed = monotonic_ns() - time_zero_;
  std::vector<ProcessRecorder*> processes{root_.get()};
  for (Child& child : children_) processes.push_back(child.recorder.get());
  if (cadence_.tick(elapsed, processes, outcome_.notes)) check_threshold(elapsed);
  if (int signal = g_signal_to_forward) {
    g_signal_to_forward = 0;
    kill(target_, signal);
  }
}

// mprof's --pdb-mmem for native code: act once, when the target's RSS first crosses the line.
// Its peak is the sample just taken the first time it does.
void Recording::check_threshold(uint64_t elapsed) {
  if (!options_.rss_threshold || threshold_crossed_ || root_->stats().peak_rss_bytes < *options_.rss_threshold) return;
  threshold_crossed_ = true;
  if (options_.on_threshold == ThresholdAction::snapshot) {
    root_->mark_snapshot("rss-threshold");
    outcome_.notes.push_back("RSS crossed the threshold at " + std::to_string(elapsed / 1'000'000) +
                             " ms: snapshot 'rss-threshold' marked");
    return;
  }
  kill(target_, SIGSTOP);
  outcome_.notes.push_back("RSS crossed the threshold: target stopped. Inspect it with: gdb -p " +
                           std::to_string(target_) + "  (resume with: kill -CONT " + std::to_string(target_) + ")");
  fprintf(stderr, "leakrank: %s\n", outcome_.notes.back().c_str());
}

// A recording that cannot be written (disk full) must not take the target down or leave it
// orphaned: the library is told nobody drains any more, so it stops recording and the
// target runs on unrecorded while leakrank, still its parent, waits for it and says why.
void Recording::outlive_target_after() {
  session_->recorder_pid.store(kRecorderGone);
  while (!poll_target()) {
    if (int signal = g_signal_to_forward) {
      g_signal_to_forward = 0;
      kill(target_, signal);
    }
    pause_when_idle();
  }
}

RunOutcome Recording::run() {
  start();
  try {
    for (;;) {
      uint64_t moved = root_->drain();
      for (Child& child : children_) moved += child.recorder->drain();
      if (options_.include_children) {
        adopt_new_children();
        reap_exited_children();
      }
      tick();
      if (poll_target()) break;
      pacer_.pause_after_drain(moved, target_pidfd_);
    }
  } catch (const RecordingError& error) {
    outlive_target_after();
    throw RecordingError(std::string(error.what()) + " (the target ran on unrecorded, exit code " +
                         std::to_string(exit_code_of(wait_status_)) + ")");
  }
  root_->finish(wait_status_);
  if (!session_->connected.load())
    outcome_.notes.push_back("the target never loaded libleakrank.so, so nothing was recorded: a static binary, "
                             "a setuid/setgid one (the loader ignores LD_PRELOAD for them), or it exited at once");
  if (options_.include_children) adopt_new_children();
  for (Child& child : children_) finish_child(child);
  note_unrecorded_processes();
  outcome_.wait_status = wait_status_;
  outcome_.exit_code = exit_code_of(wait_status_);
  outcome_.duration_s = double(monotonic_ns() - time_zero_) / 1e9;
  outcome_.target = {int32_t(target_), root_->path(), root_->stats(), root_->file_bytes()};
  outcome_.children = finished_children_;
  return outcome_;
}

}  // namespace

RunOutcome run_and_record(const RunOptions& options) {
  if (options.command.empty()) throw std::runtime_error("no command to run (leakrank run -- CMD ARGS...)");
  Recording recording(options);
  return recording.run();
}

}  // namespace leakrank
