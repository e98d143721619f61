// Memory outside malloc: a custom arena that grows by anonymous mappings all run long (and
// gives back the unused tail of each, a partial unmap, as arenas that align their chunks
// do), beside a small malloc leak. Also a file mapping, grown with mremap, which is not the
// program's memory and must not be counted as such.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { kChunkBytes = 2 << 20, kChunks = 48, kSmallLeak = 512 };

static void pause_briefly(void) {
  struct timespec t = {0, 10 * 1000 * 1000};
  nanosleep(&t, NULL);
}

// Maps a chunk with room to align it, touches it, and unmaps the unaligned tail.
__attribute__((noinline)) static char* grow_arena(void) {
  char* chunk = mmap(NULL, kChunkBytes + 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (chunk == MAP_FAILED) exit(3);
  munmap(chunk + kChunkBytes, 65536);
  memset(chunk, 1, kChunkBytes);
  return chunk;
}

__attribute__((noinline)) static void leak_a_little(void) {
  char* volatile p = malloc(kSmallLeak);
  p[0] = 1;
}

// Scratch space mapped and unmapped at once: never growth.
__attribute__((noinline)) static void use_scratch(void) {
  char* scratch = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (scratch == MAP_FAILED) exit(3);
  scratch[0] = 1;
  munmap(scratch, 1 << 20);
}

static void map_a_file(void) {
  char path[] = "/tmp/leakrank-arena-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) exit(3);
  unlink(path);
  if (ftruncate(fd, 8 << 20) != 0) exit(3);
  char* file = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE, fd, 0);
  if (file == MAP_FAILED) exit(3);
  file = mremap(file, 1 << 20, 8 << 20, MREMAP_MAYMOVE);
  if (file == MAP_FAILED) exit(3);
  close(fd);
}

int main(void) {
  map_a_file();
  for (int i = 0; i < kChunks; ++i) {
    grow_arena();
    leak_a_little();
    use_scratch();
    pause_briefly();
  }
  return 0;
}
