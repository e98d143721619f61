// Fuzzes the small parsers behind `leakrank diff`'s arguments: the suppressions file, the
// --fail-on-growth size and FILE@TIME. Each must accept its input or throw its one
// documented exception; what it accepts must make sense.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "analyzer/byte_size.h"
#include "analyzer/recording_selection.h"
#include "analyzer/suppressions.h"
#include "recording/recording_writer.h"  // RecordingError

#include "fuzz/fuzz_check.h"

namespace {

// FILE@TIME looks in a folder for recordings: an empty one, so no real file is involved.
const std::filesystem::path& empty_folder() {
  static const std::filesystem::path folder = [] {
    char pattern[] = "/tmp/leakrank-fuzz-XXXXXX";
    CHECK(mkdtemp(pattern));
    return std::filesystem::path(pattern);
  }();
  return folder;
}

void fuzz_suppressions(std::string_view text) {
  leakrank::Suppressions suppressions;
  try {
    suppressions = leakrank::parse_suppressions(text, "fuzz.supp");
  } catch (const leakrank::SuppressionError& e) {
    CHECK(std::string_view(e.what()).starts_with("fuzz.supp:"));
    return;
  }
  // Every pattern against the text itself and its lines: the matcher walks any template.
  leakrank::Frame frame{.function = std::string(text), .file = "a.cpp", .line = 1, .module = "m"};
  (void)suppressions.matches(std::span(&frame, 1));
  for (const std::string& pattern : suppressions.patterns()) {
    CHECK(!pattern.empty());
    const bool plain = pattern.find_first_of("*^$") == std::string::npos;
    if (plain) CHECK(leakrank::suppression_pattern_matches(pattern, pattern));  // a literal finds itself
    CHECK(!leakrank::suppression_pattern_matches(pattern, ""));
  }
}

// The pattern matcher alone, on two halves of the input.
void fuzz_pattern(std::string_view text) {
  const size_t half = text.size() / 2;
  const std::string_view pattern = text.substr(0, half), subject = text.substr(half);
  const bool matched = leakrank::suppression_pattern_matches(pattern, subject);
  if (!subject.empty() && pattern.find_first_of("*^$") == std::string_view::npos)
    CHECK(matched == (subject.find(pattern) != std::string_view::npos));
}

void fuzz_byte_size(std::string_view text) {
  uint64_t bytes;
  try {
    bytes = leakrank::parse_byte_size(text);
  } catch (const std::invalid_argument&) {
    return;
  }
  if (bytes < (uint64_t(1) << 53)) CHECK(leakrank::parse_byte_size(std::to_string(bytes)) == bytes);
  CHECK(!leakrank::format_bytes(double(bytes)).empty());
}

void fuzz_recording_ref(std::string_view text) {
  try {
    leakrank::RecordingRef ref = leakrank::parse_recording_ref(text, empty_folder());
    if (ref.instant.time_s) CHECK(std::isfinite(*ref.instant.time_s) && *ref.instant.time_s >= 0);
  } catch (const leakrank::RecordingError&) {
    // a list number in a folder with no recordings
  }
  try {
    const double seconds = leakrank::parse_duration_s(text);
    CHECK(std::isfinite(seconds) && seconds >= 0);  // --since/--until feed this to the analysis
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_suppressions(text);
  fuzz_pattern(text);
  fuzz_byte_size(text);
  fuzz_recording_ref(text);
  return 0;
}
