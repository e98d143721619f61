#include "recorder/proc_status.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>

using namespace leakrank;

TEST_CASE("a status field is its value after the colon and its blanks, or nothing") {
  CHECK(status_field(getpid(), "Tgid") == std::to_string(getpid()));
  CHECK(status_field(getpid(), "Name") == "proc_status_tes");  // comm is cut at 15 characters
  CHECK(status_field(getpid(), "Uid").starts_with(std::to_string(getuid()) + "\t"));
  CHECK(status_field(getpid(), "Tgi").empty());  // a prefix of a field is not the field
  CHECK(status_field(getpid(), "NoSuchField").empty());
  CHECK(status_field(-1, "Tgid").empty());
}

TEST_CASE("the threads of a process are those /proc lists for it now") {
  std::thread other([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  std::vector<pid_t> threads = thread_ids(getpid());
  other.join();
  CHECK(threads.size() >= 2);
  CHECK(std::count(threads.begin(), threads.end(), getpid()) == 1);
  CHECK(thread_ids(-1).empty());
}
