#include "recorder/library_injection.h"

#include <dlfcn.h>
#include <link.h>
#include <linux/memfd.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>

#include "recorder/file_text.h"
#include "recorder/loader_handle.h"
#include "recorder/ptrace_injector.h"
#include "recorder/file_identity.h"
#include "recorder/remote_symbols.h"
#include "recorder/target_libc.h"
#include "recorder/target_memfd.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U  // Linux 6.3: executable even where vm.memfd_noexec seals new memfds
#endif

namespace leakrank {
namespace {

std::string pid_text(pid_t pid) { return "pid " + std::to_string(pid); }


// The in-memory copy is named after its content: a later attach finds a copy it can reuse
// (the same code at the same offsets) by name, and never reuses another build's.
std::string memfd_name_for(const std::string& image) {
  char hash[17];
  snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(image));
  return "libleakrank.so." + std::string(hash);
}

std::optional<uint64_t> mapped_at(pid_t pid, const std::string& mapped_as) {
  for (const MappedObject& object : mapped_objects(pid))
    if (object.path == mapped_as) return object.start;
  return std::nullopt;
}

// dlerror()'s text, read from the thread that called dlopen; "" when there is none.
std::string dlerror_text(PtraceInjector& injector, pid_t pid) {
  std::optional<uint64_t> dlerror_at = target_libc_function(pid, {"dlerror"});
  if (!dlerror_at) return "";
  try {
    uint64_t text = injector.call_for_return_value(*dlerror_at);
    return text ? injector.read_string(text) : "";
  } catch (const TargetExited&) {
    throw;
  } catch (const std::runtime_error&) {
    return "";  // too slow to step (a loaded machine): the failure is still reported, without it
  }
}

void load(PtraceInjector& injector, pid_t pid, const std::string& path) {
  std::optional<uint64_t> dlopen_at = target_libc_function(pid, {"dlopen", "__libc_dlopen_mode"});  // the latter before glibc 2.34
  if (!dlopen_at) throw std::runtime_error(pid_text(pid) + ": its libc exports no dlopen");
  injector.call(*dlopen_at, path, RTLD_NOW);
}

void write_all(int fd, const std::string& bytes) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t wrote = write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote <= 0) throw std::runtime_error("cannot copy libleakrank.so into the target's memory");
    done += size_t(wrote);
  }
}

// The loader opens the copy as /proc/self/fd/N: the target must have a /proc of its own.
void load_from_memory(PtraceInjector& injector, pid_t pid, const std::string& image, InjectedLibrary& library) {
  if (!std::filesystem::exists(path_in_target_root(pid, "/proc/self/fd")))
    throw std::runtime_error(pid_text(pid) + " has no /proc mounted in its filesystem: libleakrank.so cannot be "
                             "loaded into it from memory");
  std::string name = memfd_name_for(image);
  TargetMemfd memfd = create_target_memfd(injector, pid, name, MFD_CLOEXEC | MFD_EXEC, MFD_CLOEXEC);
  try {
    write_all(memfd.local_fd, image);
    library.mapped_as = memfd_mapping_name(name);
    load(injector, pid, "/proc/self/fd/" + std::to_string(memfd.target_fd));
  } catch (...) {
    close_target_memfd(injector, pid, memfd);
    throw;
  }
  close_target_memfd(injector, pid, memfd);  // the loader's mappings keep the file
}

// A libleakrank.so the target maps that is not the copy we would load: LD_PRELOADed by
// `leakrank run`, or attached by another build. A second copy would start recording too.
std::optional<std::string> other_copy(pid_t pid, const std::string& ours) {
  for (const MappedObject& object : mapped_objects(pid)) {
    std::string name = std::filesystem::path(object.path).filename().string();
    bool copy = name.rfind("libleakrank.so", 0) == 0 || name.rfind("memfd:libleakrank.so", 0) == 0;
    if (copy && object.path != ours) return object.path;
  }
  return std::nullopt;
}

// The path the target's loader knows the object by: l_name of its link_map.
std::string loader_name(PtraceInjector& injector, pid_t pid, uint64_t base) {
  std::optional<uint64_t> handle = loader_handle(pid, base);
  return handle ? injector.read_string(injector.read_word(*handle + offsetof(link_map, l_name))) : "";
}

}  // namespace

InjectedLibrary inject_library(PtraceInjector& injector, pid_t pid, const std::string& path) {
  InjectedLibrary library;
  bool visible_there = same_file(path_in_target_root(pid, path), path);
  std::string image = visible_there ? "" : read_file_text(path);
  if (!visible_there && image.empty()) throw std::runtime_error("cannot read " + path);
  library.mapped_as = visible_there ? path : memfd_mapping_name(memfd_name_for(image));
  if (std::optional<uint64_t> base = mapped_at(pid, library.mapped_as)) {  // an earlier attach's copy
    library.base = *base;
    library.loaded_as = loader_name(injector, pid, library.base);
    return library;
  }
  if (std::optional<std::string> other = other_copy(pid, library.mapped_as))
    throw std::runtime_error(pid_text(pid) + " is already being recorded by another leakrank (run or attach): it has " +
                             *other + " loaded");
  if (visible_there) load(injector, pid, path);
  else load_from_memory(injector, pid, image, library);
  std::optional<uint64_t> base = mapped_at(pid, library.mapped_as);
  if (!base) {
    std::string reason = dlerror_text(injector, pid);
    throw std::runtime_error("dlopen of " + path + " failed inside " + pid_text(pid) +
                             (reason.empty() ? "" : ": " + reason));
  }
  library.base = *base;
  library.loaded_as = loader_name(injector, pid, library.base);
  library.loaded_now = true;
  return library;
}

void unload_library(PtraceInjector& injector, pid_t pid, const InjectedLibrary& library) {
  if (!library.loaded_now) return;
  std::optional<uint64_t> handle = loader_handle(pid, library.base);
  std::optional<uint64_t> dlclose_at = target_libc_function(pid, {"dlclose", "__libc_dlclose"});
  if (handle && dlclose_at) injector.call_with(*dlclose_at, *handle);
}

}  // namespace leakrank
