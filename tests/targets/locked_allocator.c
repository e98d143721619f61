// Allocates through locked_allocator_lib.c, whose first call maps memory under its lock:
// it must run to the end under leakrank as it does alone.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  for (int i = 0; i < 4000; ++i) {  // several of its 1 MiB chunks
    char* volatile p = malloc(1000);
    p[0] = 1;
  }
  puts("done");
  return 0;
}
