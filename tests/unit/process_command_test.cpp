#include "recorder/process_command.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recorder/process_identity.h"

using namespace leakrank;
using Args = std::vector<std::string>;

namespace {

pid_t reaped_child() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST_CASE("a running process's command is read again, and a change is told once") {
  ProcessCommand command(getpid(), {"before", "its", "exec"});
  CHECK(command.refresh());
  CHECK(command.command() == command_line_of(getpid()));
  CHECK_FALSE(command.refresh());
  CHECK_FALSE(command.on_module_map("/bin/a"));
  CHECK_FALSE(command.settle());
}

TEST_CASE("a process gone before its exec'd image was read is named by that image's executable") {
  ProcessCommand command(reaped_child(), {"cmake", "--fresh"});
  CHECK_FALSE(command.on_module_map("/usr/bin/cmake"));  // the fork's: what was read fits
  CHECK_FALSE(command.on_module_map("/usr/bin/cmake"));  // a library loaded
  CHECK_FALSE(command.settle());
  CHECK_FALSE(command.on_module_map("/usr/bin/ld.bfd"));  // the exec's
  CHECK(command.settle());
  CHECK(command.command() == Args{"/usr/bin/ld.bfd"});
}

TEST_CASE("a process that exec'd again before its image was read waits for that image, then is named by it") {
  ProcessCommand command(getpid(), {"bash", "-c", "exec env ./server"});
  std::string self = executable_of(getpid());
  REQUIRE_FALSE(self.empty());
  CHECK(command.on_module_map(self));  // this image: read
  CHECK(command.on_module_map("/usr/bin/env"));  // env's map, read when the process runs self again
  CHECK(command.command() == Args{"/usr/bin/env"});
  CHECK_FALSE(command.refresh());  // the command line now is the next image's: not env's
  CHECK(command.command() == Args{"/usr/bin/env"});
}

TEST_CASE("a process gone before anything was read is named by its executable, if it said one") {
  ProcessCommand unnamed(reaped_child(), {});
  CHECK_FALSE(unnamed.settle());
  CHECK(unnamed.command().empty());
  ProcessCommand named(reaped_child(), {});
  named.on_module_map("/usr/bin/as");
  CHECK(named.settle());
  CHECK(named.command() == Args{"/usr/bin/as"});
}

TEST_CASE("the command a process was started with is kept when it is gone before any reading") {
  ProcessCommand command(reaped_child(), {"./server", "--port", "8080"});
  command.on_module_map("/srv/server");
  CHECK_FALSE(command.settle());
  CHECK(command.command() == Args{"./server", "--port", "8080"});
}
