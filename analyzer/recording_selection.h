#pragma once
// Which recording (and which instant of it) a command-line argument means:
//   ""            the newest *.lrk in the folder (as mprof does)
//   "3", "-1"     the recording `leakrank list` shows under that number: 0 is the oldest,
//                 -1 the newest (mprof's numbering)
//   "x.lrk@30s"   a recording at an instant: 30s, 1.5s, 250ms, 2m, end, or a snapshot name
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakrank {

// The *.lrk files of a folder, oldest first (by modification time, then name).
std::vector<std::filesystem::path> list_recordings(const std::filesystem::path& folder);

// Resolves FILE as described above. Throws RecordingError (one line) when nothing matches.
std::string select_recording(std::string_view argument,
                             const std::filesystem::path& folder = std::filesystem::current_path());

struct RecordingInstant {
  std::optional<double> time_s;         // "30s": the state at that time
  std::optional<std::string> snapshot;  // a named snapshot
  // neither: the end of the recording
};

// "30s", "1.5s", "250ms", "2m", "1h", "end", else a snapshot name. A bare number is seconds.
RecordingInstant parse_instant(std::string_view text);

// Parses a duration like "30s", "2m", "1.5" (seconds) or throws std::invalid_argument.
double parse_duration_s(std::string_view text);

struct RecordingRef {
  std::string path;
  RecordingInstant instant;
};

// FILE@TIME: splits at the last '@' unless the whole argument names an existing file.
RecordingRef parse_recording_ref(std::string_view argument,
                                 const std::filesystem::path& folder = std::filesystem::current_path());

}  // namespace leakrank
