#pragma once
// Where verbs write their files. "-" is standard output, as in most Unix tools; and a
// recording replaces an earlier recording, never a file that holds something else, unless
// --force says so.
#include <string>
#include <string_view>

namespace leakrank::cli {

constexpr std::string_view kStandardOutput = "-";

// bytes into the file at path, or to standard output for "-".
void write_output(const std::string& path, std::string_view bytes);

// run and attach, before anything is recorded. Throws CommandError for "-" (a recording is
// not streamed) and, unless force, for an existing file that is not empty and does not
// begin as a leakrank recording does.
void check_recording_output(const std::string& path, bool force);

}  // namespace leakrank::cli
