// Stands in for a CPython whose frames leakrank does not read: it exports the symbols an
// interpreter is told by, with Py_Version saying 3.12.1, or none (NO_PY_VERSION) as before
// 3.11, and leaks a little. Debian's archive has no other CPython than 3.11 to test with.
#include <stdlib.h>

#ifndef NO_PY_VERSION
const unsigned long Py_Version = 0x030c01f0;
#endif

// Never initialized: leakrank then neither wraps its allocator nor reads its thread states.
int Py_IsInitialized(void) { return 0; }

int main(void) {
  for (int i = 0; i < 100; ++i) {
    char* volatile block = malloc(1000);
    block[0] = 1;
  }
  return 0;
}
