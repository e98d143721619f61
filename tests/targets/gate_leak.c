// The program the diff gate's test builds from copies of this file in several folders, as
// CI checkouts do: it holds about 1.3 MiB from each of three sites at exit, two of them in one
// function (so line drift must keep them apart). Built with -DADDED_LEAK it also keeps what
// remember_requests allocates: the regression the gate must catch.
#include <stdlib.h>
#include <string.h>

enum { kKeptMax = 8192 };
void* volatile kept[kKeptMax];  // global and volatile: the compiler cannot drop the allocations
static int kept_count;

static void keep(void* block, size_t size) {
  memset(block, 1, size);
  if (kept_count < kKeptMax) kept[kept_count++] = block;
}

__attribute__((noinline)) void load_tables(void) {
  for (int i = 0; i < 1300; ++i) keep(malloc(1024), 1024);
  for (int i = 0; i < 680; ++i) keep(malloc(2048), 2048);
}

__attribute__((noinline)) void cache_names(void) {
  for (int i = 0; i < 1200; ++i) keep(malloc(1100), 1100);
}

#ifdef ADDED_LEAK
__attribute__((noinline)) void remember_requests(void) {
  for (int i = 0; i < 2000; ++i) keep(malloc(1024), 1024);
}
#endif

int main(void) {
  load_tables();
  cache_names();
#ifdef ADDED_LEAK
  remember_requests();
#endif
  return 0;
}
