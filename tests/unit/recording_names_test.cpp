#include "recorder/recording_names.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

using namespace leakrank;

TEST_CASE("a retitled program's name is the word a shell and a folder take as it is") {
  CHECK(file_safe_program_name("redis-server *:6379") == "redis-server");
  CHECK(file_safe_program_name("nginx: master process /usr/sbin/nginx") == "nginx");
  CHECK(file_safe_program_name("(sd-pam)") == "sd-pam");
  CHECK(file_safe_program_name("python3.11") == "python3.11");
  CHECK(file_safe_program_name("..") == "process");
  CHECK(file_safe_program_name(".hidden") == "hidden");
  CHECK(file_safe_program_name("") == "process");
  CHECK(file_safe_program_name("$(rm -rf ~)") == "rm");
}

TEST_CASE("a default name is never that of a file already there; -o is taken as given") {
  std::filesystem::path folder = std::filesystem::temp_directory_path() / ("names_test." + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(folder);
  CHECK(recording_path_for("", "svc *:80", 42, false) == "leakrank.svc.42.lrk");
  std::fclose(std::fopen("leakrank.svc.42.lrk", "w"));
  CHECK(recording_path_for("", "svc", 42, false) == "leakrank.svc.42.2.lrk");
  std::fclose(std::fopen("leakrank.svc.42.2.lrk", "w"));
  CHECK(recording_path_for("", "svc", 42, false) == "leakrank.svc.42.3.lrk");
  CHECK(recording_path_for("run.lrk", "svc", 42, false) == "run.lrk");
  CHECK(recording_path_for("out/run.lrk", "svc", 43, true) == "out/run.43.lrk");
  std::filesystem::current_path(before);
  std::filesystem::remove_all(folder);
}
