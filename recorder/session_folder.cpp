#include "recorder/session_folder.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "transport/recorder_lock.h"
#include "transport/shared_session.h"

namespace leakrank {
namespace {

constexpr const char* kSharedMemoryFolder = "/dev/shm";

// Only a name certainly gone counts: one this user may not open is somebody else's.
bool exists(const char* session_name) {
  char name[kSessionNameSize + 1] = {};
  memcpy(name, session_name, kSessionNameSize);
  struct stat status {};
  return stat((std::string(kSharedMemoryFolder) + name).c_str(), &status) == 0 || errno != ENOENT;
}

bool is_root(const char* name, const SessionHeader& session) {
  return strncmp(session.root_session_name, name, kSessionNameSize) == 0;
}

}  // namespace

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
  std::vector<std::string> children;
  for_each_session([&](const char* name, const SessionHeader& session) {
    if (!is_root(name, session)) children.push_back(name);
    else if (recorder_lock_abandoned(&session)) unlink_session(name);
  });
  // Looked at once the dead roots are gone: a child whose root's name is gone is an orphan.
  for (const std::string& name : children) {
    SessionHeader* child = open_session(name.c_str());
    if (!child) continue;
    if (!exists(child->root_session_name)) unlink_session(name.c_str());
    unmap_session(child);
  }
}

}  // namespace leakrank
