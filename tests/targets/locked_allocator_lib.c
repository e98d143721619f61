// An allocator that maps its memory while it holds its own lock, as jemalloc does: a
// profiler's mmap hook that calls anything which allocates (dlsym does, on a miss) would
// come back into this allocator and wait on that lock forever. Linked into
// target_locked_allocator, so it is the allocator that libleakrank's hooks call.
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;  // not recursive
static char* chunk;
static size_t used, chunk_bytes;

static void* take(size_t size) {
  size = (size + 15) & ~(size_t)15;
  pthread_mutex_lock(&lock);
  if (!chunk || used + size + 16 > chunk_bytes) {
    chunk_bytes = size + 16 > (1 << 20) ? size + 16 : (1 << 20);
    chunk = mmap(NULL, chunk_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    used = 0;
  }
  char* p = chunk + used + 16;
  *(size_t*)(p - 16) = size;
  used += size + 16;
  pthread_mutex_unlock(&lock);
  return p;
}

void* malloc(size_t size) { return take(size); }

// Like a library's constructor that allocates before libleakrank's own has run (redis'
// libgpg-error did): the allocator's first mmap is then the first call leakrank sees.
__attribute__((constructor)) static void allocate_early(void) {
  char* volatile p = malloc(64);
  p[0] = 1;
}
void free(void* p) { (void)p; }
void* calloc(size_t count, size_t size) { return take(count * size); }  // fresh pages are zero
void* realloc(void* old, size_t size) {
  void* p = take(size);
  if (old) memcpy(p, old, *(size_t*)((char*)old - 16) < size ? *(size_t*)((char*)old - 16) : size);
  return p;
}
