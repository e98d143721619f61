#include "analyzer/recording_selection.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

#include "recording/recording_writer.h"

namespace leakrank {
namespace {
namespace fs = std::filesystem;

// A fresh folder holding empty *.lrk files whose modification times are one minute apart.
struct RecordingFolder {
  fs::path path = fs::temp_directory_path() / ("leakrank_selection_" + std::to_string(::getpid()));

  explicit RecordingFolder(std::initializer_list<const char*> names_oldest_first) {
    fs::remove_all(path);
    fs::create_directories(path);
    auto time = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const char* name : names_oldest_first) {
      std::ofstream(path / name) << "x";
      fs::last_write_time(path / name, time);
      time += std::chrono::minutes(1);
    }
  }
  ~RecordingFolder() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("recordings are listed oldest first, other files ignored") {
  RecordingFolder folder({"leakrank.b.2.lrk", "notes.txt", "leakrank.a.1.lrk"});
  auto listed = list_recordings(folder.path);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].filename() == "leakrank.b.2.lrk");
  CHECK(listed[1].filename() == "leakrank.a.1.lrk");
}

TEST_CASE("a left-out FILE is the newest recording; numbers count like mprof") {
  RecordingFolder folder({"old.lrk", "middle.lrk", "new.lrk"});
  CHECK(fs::path(select_recording("", folder.path)).filename() == "new.lrk");
  CHECK(fs::path(select_recording("0", folder.path)).filename() == "old.lrk");
  CHECK(fs::path(select_recording("1", folder.path)).filename() == "middle.lrk");
  CHECK(fs::path(select_recording("-1", folder.path)).filename() == "new.lrk");
  CHECK_THROWS_WITH_AS(select_recording("3", folder.path), doctest::Contains("no recording number 3"),
                       RecordingError);
  CHECK(fs::path(select_recording("middle.lrk", folder.path)).filename() == "middle.lrk");
  CHECK(select_recording("missing.lrk", folder.path).ends_with("missing.lrk"));  // the reader reports it
}

TEST_CASE("an empty folder has no newest recording") {
  RecordingFolder folder({});
  CHECK_THROWS_WITH_AS(select_recording("", folder.path), doctest::Contains("no recordings"), RecordingError);
}

TEST_CASE("times parse with units, 'end' and snapshot names") {
  CHECK(parse_duration_s("30s") == doctest::Approx(30));
  CHECK(parse_duration_s("1.5s") == doctest::Approx(1.5));
  CHECK(parse_duration_s("250ms") == doctest::Approx(0.25));
  CHECK(parse_duration_s("2m") == doctest::Approx(120));
  CHECK(parse_duration_s("7") == doctest::Approx(7));
  CHECK_THROWS_AS(parse_duration_s("soon"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration_s("3 weeks"), std::invalid_argument);

  CHECK(parse_instant("2m").time_s == doctest::Approx(120));
  RecordingInstant end = parse_instant("end");
  CHECK_FALSE(end.time_s);
  CHECK_FALSE(end.snapshot);
  CHECK(parse_instant("after-warmup").snapshot == "after-warmup");
}

TEST_CASE("FILE@TIME splits at the last @ unless the whole argument is a file") {
  RecordingFolder folder({"run.lrk", "odd@name.lrk"});
  RecordingRef at_time = parse_recording_ref("run.lrk@30s", folder.path);
  CHECK(fs::path(at_time.path).filename() == "run.lrk");
  CHECK(at_time.instant.time_s == doctest::Approx(30));

  RecordingRef at_snapshot = parse_recording_ref("run.lrk@warm", folder.path);
  CHECK(at_snapshot.instant.snapshot == "warm");

  RecordingRef whole_name = parse_recording_ref("odd@name.lrk", folder.path);
  CHECK(fs::path(whole_name.path).filename() == "odd@name.lrk");
  CHECK_FALSE(whole_name.instant.time_s);

  RecordingRef newest_at_end = parse_recording_ref("-1@end", folder.path);
  CHECK(fs::path(newest_at_end.path).filename() == "odd@name.lrk");
}

}  // namespace leakrank
