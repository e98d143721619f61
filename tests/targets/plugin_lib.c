// A library the lifecycle target dlopens and dlcloses in a loop; it allocates.
#include <stdlib.h>

__attribute__((noinline)) void* plugin_allocate(size_t size) { return malloc(size); }
