// The marks of the test targets: each mode leaks MARK_COUNT blocks of MARK_SIZE bytes in the
// process it is about, so a test finds that process's recording by them (tests/e2e/lib.sh
// knows the same two numbers).
#pragma once
#include <stdlib.h>

#define MARK_SIZE 4321
#define MARK_COUNT 7

static inline void leak_marks(void) {
  for (int i = 0; i < MARK_COUNT; ++i) {
    char* volatile p = malloc(MARK_SIZE);
    p[0] = 1;
  }
}
