// Dies of an uncaught C++ exception: std::terminate aborts the process (exit 134 in a shell).
// Like lifecycle.c it first leaks MARK_COUNT blocks of MARK_SIZE bytes, and it throws from a
// few frames deep so the unwinder runs over the interposed allocator's frames.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

constexpr size_t kMarkSize = 4321;
constexpr int kMarkCount = 7;

void leak_marks() {
  for (int i = 0; i < kMarkCount; ++i) {
    char* volatile block = static_cast<char*>(std::malloc(kMarkSize));
    block[0] = 1;
  }
}

[[noreturn]] void fail_deep(int depth) {
  if (depth == 0) throw std::runtime_error(std::string(64, 'x'));  // the message is heap-allocated too
  fail_deep(depth - 1);
}

}  // namespace

int main() {
  setvbuf(stdout, nullptr, _IONBF, 0);
  leak_marks();
  std::puts("throwing");
  fail_deep(5);
}
