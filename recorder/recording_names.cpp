#include "recorder/recording_names.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace leakrank {
namespace {

bool file_safe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '+';
}

bool exists(const std::string& path) {
  std::error_code error;
  return std::filesystem::symlink_status(path, error).type() != std::filesystem::file_type::not_found;
}

// Another leakrank may pick the same name between this check and its file's creation only
// for the same pid, and a second recorder of one pid is refused before it writes.
std::string first_free_name(const std::string& stem) {
  std::string path = stem + ".lrk";
  for (int n = 2; exists(path); ++n) path = stem + "." + std::to_string(n) + ".lrk";
  return path;
}

}  // namespace

std::string file_safe_program_name(std::string_view program) {
  auto safe = std::find_if(program.begin(), program.end(), [](char c) { return file_safe(c) && c != '.'; });
  std::string name(safe, std::find_if_not(safe, program.end(), file_safe));
  return name.empty() ? "process" : name;
}

std::string recording_path_for(const std::string& output, std::string_view program, int32_t pid, bool descendant) {
  if (output.empty()) return first_free_name("leakrank." + file_safe_program_name(program) + "." + std::to_string(pid));
  if (!descendant) return output;
  std::filesystem::path path(output);
  std::string stem = path.extension() == ".lrk" ? (path.parent_path() / path.stem()).string() : output;
  return stem + "." + std::to_string(pid) + ".lrk";
}

void check_recording_folder(const std::string& output) {
  std::filesystem::path folder = std::filesystem::path(output.empty() ? "." : output).parent_path();
  if (folder.empty()) folder = ".";
  if (access(folder.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("cannot write recordings in " + folder.string() + ": " + strerror(errno));
}

}  // namespace leakrank
