#include "cli/output_file.h"

#include <fmt/core.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "cli/verbs.h"
#include "recording/record_format.h"

namespace leakrank::cli {
namespace {

// A file a recording may replace: none yet, an empty one, a device such as /dev/null, or a
// recording (its first bytes are the format's magic, whatever state the rest is in).
bool may_replace(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return true;
  char magic[sizeof(kRecordingMagic)] = {};
  std::ifstream file(path, std::ios::binary);
  file.read(magic, sizeof(magic));
  return file && std::memcmp(magic, kRecordingMagic, sizeof(magic)) == 0;
}

}  // namespace

void write_output(const std::string& path, std::string_view bytes) {
  if (path == kStandardOutput) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
      throw CommandError(fmt::format("cannot write to standard output: {}", std::strerror(errno)));
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw CommandError("cannot write " + path);
}

void check_recording_output(const std::string& path, bool force) {
  // The recorded program inherits standard output and writes there too, and the summary
  // reads the recording back from its file.
  if (path == kStandardOutput)
    throw CommandError("-o -: a recording cannot go to standard output; name a file (e.g. -o run.lrk)");
  if (!force && !may_replace(path))
    throw CommandError(fmt::format("{} exists and is not a leakrank recording; --force replaces it", path));
}

}  // namespace leakrank::cli
