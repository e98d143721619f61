// A program whose every allocation goes through its own wrappers, as git's xmalloc, redis'
// zmalloc or perl's Perl_safesysmalloc: one out of line, one inlined into its callers. Two
// callers grow without bound (remember_name, remember_path), one allocates only to free
// again (format_line): each must be a site of its own, not the wrapper.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static void* xmalloc(size_t size) {
  void* p = malloc(size);
  if (!p) abort();
  return p;
}

static inline __attribute__((always_inline)) void* xzalloc(size_t size) {
  void* p = xmalloc(size);
  memset(p, 0, size);
  return p;
}

static char** names;
static char** paths;

__attribute__((noinline)) static void remember_name(int i) { names[i] = xmalloc(300); }
__attribute__((noinline)) static void remember_path(int i) { paths[i] = xzalloc(200); }
__attribute__((noinline)) static void format_line(int i) {
  char* line = xzalloc(100);
  snprintf(line, 100, "%d", i);
  free(line);
}

int main(void) {
  enum { kCount = 20000 };
  names = calloc(kCount, sizeof(char*));
  paths = calloc(kCount, sizeof(char*));
  for (int i = 0; i < kCount; ++i) {
    remember_name(i);
    remember_path(i);
    format_line(i);
    if (i % 200 == 0) usleep(5000);  // half a second in all: room for the recorder's snapshots
  }
  printf("%d names\n", kCount);
  return 0;
}
