#include "recorder/snapshot_requests.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "recorder/file_text.h"
#include "recorder/proc_status.h"
#include "recorder/process_identity.h"

namespace leakrank {
namespace {
namespace fs = std::filesystem;

constexpr int kNamedRequestMarker = 0x4c524b53;  // "LRKS": sigqueue value of a request with a file
constexpr size_t kLongestName = 256;

std::atomic<int> g_unnamed_requests{0};
std::atomic<bool> g_named_requests{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "used from a signal handler");

void on_snapshot_signal(int, siginfo_t* info, void*) {
  if (info->si_code == SI_QUEUE && info->si_value.sival_int == kNamedRequestMarker)
    g_named_requests.store(true);
  else
    g_unnamed_requests.fetch_add(1);
}

[[noreturn]] void fail(const std::string& message) { throw std::runtime_error(message); }

// Field 22 of /proc/<pid>/stat, in clock ticks since boot: with the pid, it names one process
// for good, where a pid alone is reused.
std::string start_time_of(pid_t pid) {
  const std::string stat = read_file_text("/proc/" + std::to_string(pid) + "/stat");
  size_t after_name = stat.rfind(')');  // the name in parentheses may hold spaces
  if (after_name == std::string::npos) return "";
  std::istringstream fields(stat.substr(after_name + 1));
  std::string field;
  for (int number = 3; number <= 22 && fields >> field; ++number) {}
  return field;
}

std::string request_prefix(pid_t recorder) { return std::to_string(recorder) + "-" + start_time_of(recorder) + "."; }

// Fixed per uid, not taken from the environment: the requester's may differ from the recorder's.
fs::path request_folder(uid_t uid) {
  fs::path runtime = "/run/user/" + std::to_string(uid);
  std::error_code error;
  if (fs::is_directory(runtime, error)) return runtime / "leakrank";
  return "/tmp/leakrank-" + std::to_string(uid);
}

// A folder in /tmp could have been planted by someone else: use it only if it is ours alone.
void ensure_private_folder(const fs::path& folder, uid_t owner) {
  if (mkdir(folder.c_str(), 0700) == 0) {
    if (geteuid() != owner && chown(folder.c_str(), owner, gid_t(-1)) != 0)
      fail("cannot give " + folder.string() + " to uid " + std::to_string(owner) + ": " + strerror(errno));
  } else if (errno != EEXIST) {
    fail("cannot create " + folder.string() + ": " + strerror(errno));
  }
  struct stat info {};
  if (lstat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != owner || (info.st_mode & 077) != 0)
    fail(folder.string() + " is not a private folder of uid " + std::to_string(owner) + "; remove it and retry");
}

// The pending request files of one recorder, oldest first (their names start with the time).
std::vector<fs::path> pending_requests(pid_t recorder) {
  const std::string prefix = request_prefix(recorder);
  std::vector<fs::path> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(request_folder(geteuid()), error)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".request")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// --- requester side ---

bool is_recording_leakrank(const std::vector<std::string>& command) {
  return program_name(command) == "leakrank" && command.size() > 1 && (command[1] == "run" || command[1] == "attach");
}

pid_t parent_of(pid_t pid) { return pid_t(std::strtol(status_field(pid, "PPid").c_str(), nullptr, 10)); }

// The usual mistake is the target's pid: point at its recorder when it has one.
void check_is_recorder(pid_t pid) {
  const std::string text = "pid " + std::to_string(pid);
  std::error_code error;
  if (pid <= 0 || !fs::exists("/proc/" + std::to_string(pid), error)) fail("no process with " + text);
  std::vector<std::string> command = command_line_of(pid);
  if (is_recording_leakrank(command)) return;
  std::string what = text + " (" + program_name(command) + ") is not a recording leakrank (leakrank run or attach)";
  pid_t parent = parent_of(pid);
  if (parent > 0 && is_recording_leakrank(command_line_of(parent)))
    what += "; it is recorded by leakrank pid " + std::to_string(parent) + ": leakrank snapshot " + std::to_string(parent);
  fail(what);
}

uid_t owner_of(pid_t pid) {
  struct stat info {};
  if (stat(("/proc/" + std::to_string(pid)).c_str(), &info) != 0) fail("pid " + std::to_string(pid) + " is gone");
  return info.st_uid;
}

// Written under a temporary name and renamed, so the recorder never reads half a name.
fs::path write_request(pid_t recorder, const std::string& name) {
  const uid_t owner = owner_of(recorder);
  const fs::path folder = request_folder(owner);
  ensure_private_folder(folder, owner);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  char stamp[48];
  snprintf(stamp, sizeof stamp, "%020lld.%d", static_cast<long long>(std::chrono::nanoseconds(now).count()), getpid());
  const fs::path request = folder / (request_prefix(recorder) + stamp + ".request");
  const fs::path temporary = folder / ("." + request.filename().string() + ".tmp");
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot write " + temporary.string() + ": " + strerror(errno));
  bool written = write(fd, name.data(), name.size()) == ssize_t(name.size());
  if (geteuid() != owner) written = written && fchown(fd, owner, gid_t(-1)) == 0;
  written = close(fd) == 0 && written;
  if (!written || rename(temporary.c_str(), request.c_str()) != 0) {
    unlink(temporary.c_str());
    fail("cannot write the request in " + folder.string() + ": " + strerror(errno));
  }
  return request;
}

}  // namespace

void install_snapshot_request_handler() {
  struct sigaction action {};
  action.sa_sigaction = on_snapshot_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR2, &action, nullptr);
}

std::vector<std::string> SnapshotRequests::take() {
  std::vector<std::string> names;
  // Cleared before the folder is read: a request written meanwhile raises it again.
  if (g_named_requests.exchange(false)) {
    for (const fs::path& request : pending_requests(getpid())) {
      std::string name = read_file_text(request).substr(0, kLongestName);
      std::error_code error;
      fs::remove(request, error);  // tells the requester its snapshot is marked
      names.push_back(name.empty() ? "snapshot-" + std::to_string(++unnamed_count_) : name);
    }
  }
  for (int plain = g_unnamed_requests.exchange(0); plain > 0; --plain)
    names.push_back("snapshot-" + std::to_string(++unnamed_count_));
  return names;
}

void request_snapshot(pid_t recorder, const std::string& name, std::chrono::milliseconds wait) {
  check_is_recorder(recorder);
  const fs::path request = write_request(recorder, name);
  sigval marker{};
  marker.sival_int = kNamedRequestMarker;
  if (sigqueue(recorder, SIGUSR2, marker) != 0) {
    int error = errno;
    unlink(request.c_str());
    fail("cannot signal pid " + std::to_string(recorder) + ": " + strerror(error));
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::error_code error;
  while (fs::exists(request, error)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      unlink(request.c_str());
      fail("leakrank pid " + std::to_string(recorder) + " did not take the snapshot request within " +
           std::to_string(wait.count()) + " ms (is it stopped?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace leakrank
