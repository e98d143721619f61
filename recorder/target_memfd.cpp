#include "recorder/target_memfd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "recorder/proc_status.h"
#include "recorder/ptrace_injector.h"
#include "recorder/target_libc.h"

namespace leakrank {
namespace {

std::string fd_folder(pid_t pid) { return "/proc/" + std::to_string(pid) + "/fd"; }

// The descriptors of pid that name a memfd called name. memfd_create's result is lost
// with the calling thread's restore, so the new descriptor is the one that was not there.
std::set<int> memfds_named(pid_t pid, const std::string& name) {
  std::set<int> found;
  std::error_code error;
  std::string wanted = memfd_mapping_name(name);
  for (const auto& entry : std::filesystem::directory_iterator(fd_folder(pid), error)) {
    std::filesystem::path target = std::filesystem::read_symlink(entry.path(), error);
    if (!error && target.string() == wanted) found.insert(std::stoi(entry.path().filename().string()));
  }
  return found;
}

std::optional<int> new_memfd(PtraceInjector& injector, pid_t pid, uint64_t memfd_create_at, const std::string& name,
                             unsigned flags) {
  std::set<int> before = memfds_named(pid, name);
  injector.call(memfd_create_at, name, flags);
  for (int fd : memfds_named(pid, name))
    if (!before.count(fd)) return fd;
  return std::nullopt;
}

bool under_seccomp_filter(pid_t pid) { return status_field(pid, "Seccomp") == "2"; }

}  // namespace

std::string memfd_mapping_name(const std::string& name) { return "/memfd:" + name + " (deleted)"; }

TargetMemfd create_target_memfd(PtraceInjector& injector, pid_t pid, const std::string& name, unsigned flags,
                                unsigned fallback_flags) {
  std::optional<uint64_t> memfd_create_at = target_libc_function(pid, {"memfd_create"});
  if (!memfd_create_at)
    throw std::runtime_error("pid " + std::to_string(pid) + ": its glibc has no memfd_create (glibc 2.27 or later is needed)");
  std::optional<int> fd = new_memfd(injector, pid, *memfd_create_at, name, flags);
  if (!fd && fallback_flags != flags) fd = new_memfd(injector, pid, *memfd_create_at, name, fallback_flags);
  if (!fd)
    throw std::runtime_error("pid " + std::to_string(pid) + " could not create an in-memory file: memfd_create failed" +
                             (under_seccomp_filter(pid) ? " (its seccomp filter may forbid memfd_create)" : ""));
  TargetMemfd memfd{*fd, open((fd_folder(pid) + "/" + std::to_string(*fd)).c_str(), O_RDWR | O_CLOEXEC)};
  if (memfd.local_fd < 0) {
    int error = errno;
    close_target_memfd(injector, pid, memfd);
    throw std::runtime_error("cannot open the in-memory file of pid " + std::to_string(pid) + ": " + strerror(error));
  }
  return memfd;
}

void close_target_memfd(PtraceInjector& injector, pid_t pid, TargetMemfd& memfd) {
  if (memfd.local_fd >= 0) close(memfd.local_fd);
  memfd.local_fd = -1;
  if (memfd.target_fd < 0) return;
  if (std::optional<uint64_t> close_at = target_libc_function(pid, {"close"})) injector.call_with(*close_at, uint64_t(memfd.target_fd));
  memfd.target_fd = -1;
}

}  // namespace leakrank
