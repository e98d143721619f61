#include "recorder/session_folder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "transport/recorder_lock.h"
#include "transport/shared_session.h"

namespace leakrank {
namespace {

constexpr const char* kSharedMemoryFolder = "/dev/shm";

// Only a name certainly gone counts: one this user may not open is somebody else's.
bool exists(const std::string& session_name) {
  struct stat status {};
  return stat(session_file(session_name).c_str(), &status) == 0 || errno != ENOENT;
}

// The header's name field is not terminated when the name fills it.
std::string root_name_of(const SessionHeader& session) {
  return std::string(session.root_session_name, strnlen(session.root_session_name, kSessionNameSize));
}

}  // namespace

std::string session_file(std::string_view session_name) { return std::string(kSharedMemoryFolder) += session_name; }

void for_each_session(const std::function<void(const char* name, const SessionHeader& session)>& visit) {
  DIR* folder = opendir(kSharedMemoryFolder);
  if (!folder) return;
  std::vector<std::string> names;
  while (dirent* entry = readdir(folder))
    if (strncmp(entry->d_name, kSessionNamePrefix + 1, sizeof kSessionNamePrefix - 2) == 0)
      names.push_back(std::string("/") + entry->d_name);
  closedir(folder);
  for (const std::string& name : names) {
    SessionHeader* session = open_session(name.c_str());
    if (!session) continue;  // another version's, another user's, or gone meanwhile
    visit(name.c_str(), *session);
    unmap_session(session);
  }
}

void remove_abandoned_sessions() {
  std::vector<std::pair<std::string, std::string>> children;  // (name, its root's)
  for_each_session([&](const char* name, const SessionHeader& session) {
    std::string root = root_name_of(session);
    if (root != name) children.emplace_back(name, std::move(root));
    else if (recorder_lock_abandoned(&session)) unlink_session(name);
  });
  // Looked at once the dead roots are gone: a child whose root's name is gone is an orphan.
  for (const auto& [name, root] : children)
    if (!exists(root)) unlink_session(name.c_str());
}

}  // namespace leakrank
