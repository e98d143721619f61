#include "preload/thread_stack.h"

#include <pthread.h>

#include "preload/bare_file.h"

extern "C" void* __libc_stack_end;  // glibc: the initial stack's top, as the kernel handed it over

namespace leakrank::preload {
namespace {

struct Mapping {
  uintptr_t start = 0, end = 0;
};

class MapsReader {
 public:

  // Each line starts "start-end "; the rest of the line is skipped.
  bool next(Mapping& mapping) {
    mapping = {};
    int c;
    while ((c = get()) >= 0 && c != '-') mapping.start = mapping.start * 16 + uintptr_t(hex_digit(c));
    while ((c = get()) >= 0 && c != ' ') mapping.end = mapping.end * 16 + uintptr_t(hex_digit(c));
    while (c >= 0 && c != '\n') c = get();
    return c >= 0;
  }

 private:
  static int hex_digit(int c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
  int get() {
    if (at_ == size_) {
      long got = file_.read(buffer_, sizeof buffer_);
      if (got <= 0) return -1;
      at_ = 0;
      size_ = int(got);
    }
    return static_cast<unsigned char>(buffer_[at_++]);
  }

  BareFile file_{"/proc/self/maps"};
  char buffer_[1024];
  int at_ = 0, size_ = 0;
};

}  // namespace

StackMemory current_thread_stack() {
  uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t control_block = reinterpret_cast<uintptr_t>(pthread_self());
  uintptr_t initial_top = reinterpret_cast<uintptr_t>(__libc_stack_end);
  MapsReader maps;
  for (Mapping mapping; maps.next(mapping);) {
    if (sp < mapping.start || sp >= mapping.end) continue;
    auto inside = [&](uintptr_t address) { return address >= mapping.start && address < mapping.end; };
    if (!inside(control_block) && !inside(initial_top)) return {};
    return {mapping.start, mapping.end};
  }
  return {};
}

}  // namespace leakrank::preload
