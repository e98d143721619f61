#include "recorder/process_identity.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>
#include <thread>

using namespace leakrank;

TEST_CASE("a command line is read whole, or not at all when the process is gone") {
  std::vector<std::string> self = command_line_of(getpid());
  REQUIRE(!self.empty());
  CHECK(program_name(self) == "process_identity_test");
  CHECK(command_line_of(-1).empty());
  CHECK(program_name({}) == "process");
}

TEST_CASE("a retitled process's command line ends with its title, not the padding after it") {
  using namespace std::string_view_literals;
  using Args = std::vector<std::string>;
  CHECK(command_line_from("nginx: worker process\0\0\0\0\0"sv) == Args{"nginx: worker process"});
  CHECK(command_line_from("cc\0-c\0a.c\0"sv) == Args{"cc", "-c", "a.c"});
  CHECK(command_line_from("printf\0\0x\0"sv) == Args{"printf", "", "x"});  // an empty argument inside stays
  CHECK(command_line_from(""sv).empty());
  CHECK(command_line_from("\0\0"sv).empty());
}

// A short-lived child is often reaped between opening /proc/PID/cmdline and reading it:
// read() then fails with ESRCH, which must give an empty answer, never an exception.
TEST_CASE("a process reaped while its command line is read") {
  std::vector<std::string> self = command_line_of(getpid());
  size_t whole = 0, empty = 0;
  for (int child_number = 0; child_number < 600; ++child_number) {
    pid_t child = fork();
    if (child == 0) {
      usleep(100);
      _exit(0);
    }
    REQUIRE(child > 0);
    std::thread reaper([child] { waitpid(child, nullptr, 0); });
    // Until the child is gone: on a busy machine it may not even run within a few reads.
    for (bool gone = false; !gone;) {
      std::vector<std::string> command;
      REQUIRE_NOTHROW(command = command_line_of(child));
      gone = command.empty();
      if (gone) ++empty;
      else if (command == self) ++whole;  // a forked child has its parent's command line
      else FAIL("a torn command line");
    }
    reaper.join();
  }
  CHECK(whole > 0);
  CHECK(empty > 0);
}
