#include "analyzer/source_paths.h"

#include <vector>

namespace leakrank {
namespace {

constexpr std::string_view kSystemHeaders = "/usr/include/";

std::string as_folder(std::string_view path) {
  std::string folder(path);
  if (!folder.empty() && !folder.ends_with('/')) folder += '/';
  return folder;
}

std::string_view folder_of(std::string_view path) { return path.substr(0, path.rfind('/') + 1); }

// The longest folder both are in: "/a/b/" and "/a/c/" share "/a/".
std::string_view common_folder(std::string_view a, std::string_view b) {
  size_t same = 0;
  while (same < a.size() && same < b.size() && a[same] == b[same]) ++same;
  return a.substr(0, a.rfind('/', same == 0 ? 0 : same - 1) + 1);
}

std::vector<std::string_view> files_of(std::span<const Site> sites) {
  std::vector<std::string_view> files;
  for (const Site& site : sites) files.push_back(site.file);
  return files;
}

}  // namespace

SourcePaths::SourcePaths(std::span<const Site> sites, std::string_view working_dir)
    : SourcePaths(files_of(sites), working_dir) {}

SourcePaths::SourcePaths(std::span<const std::string_view> files, std::string_view working_dir)
    : working_dir_(as_folder(working_dir)) {
  if (working_dir_ == "/") working_dir_.clear();  // every path is under it: they stay absolute
  bool first = true;
  for (std::string_view file : files) {
    if (!file.starts_with('/') || file.starts_with(kSystemHeaders)) continue;
    if (!working_dir_.empty() && file.starts_with(working_dir_)) continue;
    root_ = first ? std::string(folder_of(file)) : std::string(common_folder(root_, folder_of(file)));
    first = false;
  }
  if (root_ == "/") root_.clear();  // nothing in common: shown whole
}

std::string SourcePaths::shown(std::string_view path) const {
  if (!working_dir_.empty() && path.starts_with(working_dir_)) return std::string(path.substr(working_dir_.size()));
  if (!root_.empty() && path.starts_with(root_)) return std::string(path.substr(root_.size()));
  return std::string(path);
}

}  // namespace leakrank
