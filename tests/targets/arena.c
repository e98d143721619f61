// Memory outside malloc: a custom arena that grows by anonymous mappings all run long (and
// gives back the unused tail of each, a partial unmap, as arenas that align their chunks
// do), beside a small malloc leak. Also a file mapping, grown with mremap, which is not the
// program's memory and must not be counted as such.
// And a heap grown inside a reservation, as JVMs and V8 grow theirs: addresses reserved
// PROT_NONE, pages committed by mprotect and never given back; beside it, pages committed
// and decommitted each round, pages committed by mmap(MAP_FIXED) and given back by a
// PROT_NONE mmap over them (a JVM's uncommit), and a guard page turned off and on inside a
// malloc'ed block, which is that block's memory and no more.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { kChunkBytes = 2 << 20, kChunks = 48, kSmallLeak = 512 };

static void pause_for(long ms) {
  struct timespec t = {0, ms * 1000 * 1000};
  nanosleep(&t, NULL);
}

// Maps a chunk with room to align it, touches it, and unmaps the unaligned tail.
__attribute__((noinline)) static char* grow_arena(void) {
  char* chunk = mmap(NULL, kChunkBytes + 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (chunk == MAP_FAILED) exit(3);
  munmap(chunk + kChunkBytes, 65536);
  if (munmap(chunk + 1, 4096) == 0) exit(3);  // refused, not a page start: nothing changes
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

enum { kReservedBytes = 64 << 20, kCommitBytes = 1 << 20, kScratchAt = 56 << 20, kUncommitAt = 60 << 20 };
static char* g_reserved;

static void reserve_heap(void) {
  g_reserved = mmap(NULL, kReservedBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (g_reserved == MAP_FAILED) exit(3);
}

__attribute__((noinline)) static void commit_heap(int chunk) {
  char* pages = g_reserved + (size_t)chunk * kCommitBytes;
  if (mprotect(pages, kCommitBytes, PROT_READ | PROT_WRITE) != 0) exit(3);
  memset(pages, 1, kCommitBytes);
  if (mprotect(pages + 1, 4096, PROT_NONE) == 0) exit(3);  // refused, not a page start: nothing changes
}

__attribute__((noinline)) static void commit_scratch(void) {
  char* pages = g_reserved + kScratchAt;
  if (mprotect(pages, 2 * kCommitBytes, PROT_READ | PROT_WRITE) != 0) exit(3);
  memset(pages, 1, 2 * kCommitBytes);
  if (mprotect(pages, 2 * kCommitBytes, PROT_NONE) != 0) exit(3);
}

__attribute__((noinline)) static void commit_and_uncommit(void) {
  char* pages = mmap(g_reserved + kUncommitAt, 2 * kCommitBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (pages == MAP_FAILED) exit(3);
  memset(pages, 1, 2 * kCommitBytes);
  if (mmap(pages, 2 * kCommitBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) !=
      pages)
    exit(3);
}

__attribute__((noinline)) static void flip_guard_page(void) {
  static char* block;
  if (!block && !(block = aligned_alloc(4096, 4 * 4096))) exit(3);
  if (mprotect(block + 4096, 4096, PROT_NONE) != 0 || mprotect(block + 4096, 4096, PROT_READ | PROT_WRITE) != 0)
    exit(3);
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

// --slowly: a service to attach to, which says when its heap is reserved and then grows for 5 s.
int main(int argc, char** argv) {
  int slowly = argc > 1 && strcmp(argv[1], "--slowly") == 0;
  map_a_file();
  reserve_heap();
  if (slowly) printf("reserved\n");
  fflush(stdout);
  for (int i = 0; i < kChunks; ++i) {
    grow_arena();
    commit_heap(i);
    commit_scratch();
    commit_and_uncommit();
    flip_guard_page();
    leak_a_little();
    use_scratch();
    pause_for(slowly ? 100 : 10);
  }
  return 0;
}
