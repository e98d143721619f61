#include <doctest/doctest.h>

#include <string>

#include "analyzer/recording_reach.h"
#include "recording/recording_writer.h"  // RecordingError

using namespace leakrank;

namespace {

Analysis recording(bool complete, double recorded_s, std::string read_warning = "") {
  Analysis a;
  a.path = "run.lrk";
  a.complete = complete;
  a.recorded_s = recorded_s;
  a.read_warning = std::move(read_warning);
  return a;
}

// The one line require_recorded_until throws, or "" when it accepts.
std::string refusal(const Analysis& analysis, const RecordingInstant& instant, const std::string& label) {
  try {
    require_recorded_until(analysis, instant, label);
    return "";
  } catch (const RecordingError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("a whole recording reaches its end and every time within it") {
  const Analysis whole = recording(true, 2.5);
  CHECK(refusal(whole, {}, "run.lrk") == "");
  CHECK(refusal(whole, {.time_s = 2.5}, "run.lrk@2.5s") == "");
  CHECK(refusal(whole, {.snapshot = "warm"}, "run.lrk@warm") == "");
}

TEST_CASE("a time past the end is refused, with the recording's length") {
  CHECK(refusal(recording(true, 2.5), {.time_s = 30}, "run.lrk@30s") ==
        "run.lrk@30s: past the end of the recording, which is 2.50 s long");
}

TEST_CASE("the end of a cut recording is refused with the reader's warning") {
  const std::string cut = "recording truncated after 1.2 s (block 3): the rest is lost";
  const Analysis truncated = recording(false, 1.2, cut);
  const std::string line = refusal(truncated, {}, "run.lrk");
  CHECK(line.starts_with("run.lrk: " + cut + ", so its end state is unknown"));
  CHECK(line.find('\n') == std::string::npos);
  CHECK(refusal(truncated, {.time_s = 1.0}, "run.lrk@1s") == "");  // recorded before the cut
  CHECK(refusal(truncated, {.time_s = 5.0}, "run.lrk@5s").find(cut) != std::string::npos);
}

TEST_CASE("a recording without its end record has no end state, even undamaged") {
  CHECK(refusal(recording(false, 0.8), {}, "run.lrk")
            .starts_with("run.lrk: the recording has no end record after 0.8 s"));
  CHECK(refusal(recording(true, 0.8, "block 4 is damaged (bad checksum): analysis stops there"), {}, "run.lrk") != "");
}
