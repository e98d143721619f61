#include "analyzer/startup_blocks.h"

#include <doctest/doctest.h>

#include <vector>

namespace leakrank {
namespace {

const std::string kStdcxx = "/lib/x86_64-linux-gnu/libstdc++.so.6";
const std::string kLoader = "/lib64/ld-linux-x86-64.so.2";
const std::string kLibc = "/lib/x86_64-linux-gnu/libc.so.6";

// The stack a bookworm tokenizer's 71 KiB libstdc++ block was recorded with.
std::vector<Frame> stdcxx_pool_stack() {
  return {{.function = "libstdc++.so.6+0xa57ba", .module = kStdcxx},
          {.function = "call_init", .module = kLoader},
          {.function = "_dl_init", .module = kLoader},
          {.function = "ld-linux-x86-64.so.2+0x1aba0", .module = kLoader}};
}

}  // namespace

TEST_CASE("a runtime library's block from before main is named for what it is") {
  CHECK(startup_block_name(stdcxx_pool_stack()) == "libstdc++ start-up (emergency exception pool)");
  std::vector<Frame> through_malloc = stdcxx_pool_stack();
  through_malloc.insert(through_malloc.begin(), {.function = "malloc", .module = kLibc});
  CHECK(startup_block_name(through_malloc) == "libstdc++ start-up (emergency exception pool)");
  std::vector<Frame> other = stdcxx_pool_stack();
  other[0] = {.function = "libgcc_s.so.1+0x1234", .module = "/lib/x86_64-linux-gnu/libgcc_s.so.1"};
  CHECK(startup_block_name(other) == "libgcc_s start-up");
}

TEST_CASE("other stacks keep their names") {
  std::vector<Frame> program = stdcxx_pool_stack();
  program.push_back({.function = "main", .file = "main.cpp", .line = 3, .module = "/usr/bin/prog"});
  CHECK(startup_block_name(program) == std::nullopt);  // a program frame: a site of its own
  std::vector<Frame> later = stdcxx_pool_stack();
  later.erase(later.begin() + 1, later.begin() + 3);  // no initializer call: not start-up
  CHECK(startup_block_name(later) == std::nullopt);
  CHECK(startup_block_name({}) == std::nullopt);
}

}  // namespace leakrank
