#include "analyzer/recording_selection.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "recording/recording_writer.h"  // RecordingError

namespace leakrank {
namespace fs = std::filesystem;

std::vector<fs::path> list_recordings(const fs::path& folder) {
  struct Entry {
    fs::file_time_type modified;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    if (entry.path().extension() != ".lrk" || !entry.is_regular_file(error)) continue;
    entries.push_back({entry.last_write_time(error), entry.path()});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.path < b.path;
  });
  std::vector<fs::path> paths;
  for (Entry& entry : entries) paths.push_back(std::move(entry.path));
  return paths;
}

namespace {

std::optional<long> parse_index(std::string_view text) {
  long index = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return index;
}

// Paths in the current folder are kept as the user typed them (or as bare names).
std::string display_path(std::string_view relative, const fs::path& folder) {
  std::error_code error;
  bool here = fs::equivalent(folder, fs::current_path(error), error);
  return here ? std::string(relative) : (folder / relative).string();
}

}  // namespace

std::string select_recording(std::string_view argument, const fs::path& folder) {
  std::error_code error;
  if (!argument.empty() && fs::exists(folder / argument, error)) return display_path(argument, folder);
  std::optional<long> index = argument.empty() ? std::optional<long>(-1) : parse_index(argument);
  if (!index) return display_path(argument, folder);  // a path: the reader says why it cannot be opened
  std::vector<fs::path> recordings = list_recordings(folder);
  if (recordings.empty())
    throw RecordingError(fmt::format("no recordings (*.lrk) in {}; record one with: leakrank run -- CMD",
                                     folder.string()));
  long count = long(recordings.size());
  long position = *index < 0 ? count + *index : *index;
  if (position < 0 || position >= count)
    throw RecordingError(fmt::format("no recording number {} (there are {}: 0 is the oldest, -1 the newest)",
                                     *index, count));
  return display_path(recordings[size_t(position)].filename().string(), folder);
}

double parse_duration_s(std::string_view text) {
  double number = 0;
  auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(rest, size_t(text.data() + text.size() - rest));
  double scale = unit == "" || unit == "s" ? 1 : unit == "ms" ? 1e-3 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
  if (error != std::errc{} || text.empty() || scale < 0 || number < 0 || !std::isfinite(number * scale))
    throw std::invalid_argument(fmt::format("invalid time '{}': expected e.g. 30s, 1.5s, 250ms, 2m", text));
  return number * scale;
}

RecordingInstant parse_instant(std::string_view text) {
  if (text == "end") return {};
  try {
    return {parse_duration_s(text), std::nullopt};
  } catch (const std::invalid_argument&) {
    return {std::nullopt, std::string(text)};
  }
}

RecordingRef parse_recording_ref(std::string_view argument, const fs::path& folder) {
  size_t at = argument.rfind('@');
  std::error_code error;
  if (at == std::string_view::npos || fs::exists(folder / argument, error))
    return {select_recording(argument, folder), {}};
  return {select_recording(argument.substr(0, at), folder), parse_instant(argument.substr(at + 1))};
}

}  // namespace leakrank
