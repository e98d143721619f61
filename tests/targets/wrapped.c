// A program whose every allocation goes through its own wrappers, as git's xmalloc, redis'
// zmalloc or perl's Perl_safesysmalloc. Each wrapper has callers that grow without bound,
// callers whose memory stays bounded and callers that free at once: each caller must be a
// site of its own, not the wrapper.
//   xmalloc, xzalloc (inlined)  named as allocators are: remember_name, remember_path grow;
//                               format_line frees
//   obtain_cell                 a name no rule knows, out of line, four callers: keep_record
//                               grows, cache_entry is bounded, tally_words and tally_lines free
//   take_chunk (inlined)        a name no rule knows, inlined into grow_index (grows) and
//                               refresh_table (bounded)
//   fetch_slab                  out of line with two callers only, too few to tell it from
//                               code that owns what it allocates: grow_slabs grows,
//                               recycle_slab is bounded; a wrapper only when --wrapper names it
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kCount = 20000, kBounded = 500 };

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

__attribute__((noinline)) static void* obtain_cell(size_t size) {
  void* p = malloc(size);
  if (!p) abort();
  return p;
}

static inline __attribute__((always_inline)) void* take_chunk(size_t size) {
  void* p = malloc(size);
  if (!p) abort();
  return p;
}

__attribute__((noinline)) static void* fetch_slab(size_t size) {
  void* p = malloc(size);
  if (!p) abort();
  return p;
}

static char* names[kCount];
static char* paths[kCount];
static char* records[kCount];
static char* indexes[kCount];
static char* slabs[kCount];
static char* cache[kBounded];
static char* table[kBounded];
static char* recycled[kBounded];

// Keeps the newest kBounded blocks of a ring, freeing the one it replaces.
static void replace(char** ring, int i, char* block) {
  free(ring[i % kBounded]);
  ring[i % kBounded] = block;
}

__attribute__((noinline)) static void remember_name(int i) { names[i] = xmalloc(300); }
__attribute__((noinline)) static void remember_path(int i) { paths[i] = xzalloc(200); }
__attribute__((noinline)) static void format_line(int i) {
  char* line = xzalloc(100);
  snprintf(line, 100, "%d", i);
  free(line);
}

__attribute__((noinline)) static void keep_record(int i) { records[i] = obtain_cell(250); }
__attribute__((noinline)) static void cache_entry(int i) { replace(cache, i, obtain_cell(150)); }
__attribute__((noinline)) static void tally_words(int i) {
  char* words = obtain_cell(64);
  snprintf(words, 64, "%d words", i);
  free(words);
}
__attribute__((noinline)) static void tally_lines(int i) {
  char* lines = obtain_cell(48);
  snprintf(lines, 48, "%d lines", i);
  free(lines);
}

__attribute__((noinline)) static void grow_index(int i) { indexes[i] = take_chunk(220); }
__attribute__((noinline)) static void refresh_table(int i) { replace(table, i, take_chunk(180)); }

__attribute__((noinline)) static void grow_slabs(int i) { slabs[i] = fetch_slab(210); }
__attribute__((noinline)) static void recycle_slab(int i) { replace(recycled, i, fetch_slab(170)); }

int main(void) {
  for (int i = 0; i < kCount; ++i) {
    remember_name(i);
    remember_path(i);
    format_line(i);
    keep_record(i);
    cache_entry(i);
    tally_words(i);
    tally_lines(i);
    grow_index(i);
    refresh_table(i);
    grow_slabs(i);
    recycle_slab(i);
    if (i % 200 == 0) usleep(15000);  // 1.5 s in all: many envelope buckets for every site, even on a loaded machine
  }
  printf("%d names\n", kCount);
  return 0;
}
