// Memory shapes whose verdicts depend on reading the whole series, not a few snapshots:
//   intern_word   a vocabulary that grows until it is rebuilt (freed, started again) every
//                 --rebuild-every seconds: a sawtooth, bounded however long the run
//   leak_slowly   a genuine leak of --leak-per-second bytes a second, in 512-byte blocks
//   fill_pool     a pool of --pool-bytes filled over the first --pool-fill seconds, then kept
// Each runs for --seconds; a shape whose size is 0 is left out. Nothing is freed at exit.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEAK_BLOCK 512
#define POOL_BLOCK 4096
#define WORD_SIZES 15  // words take 64 to 960 bytes, 512 on average

struct options {
  double seconds;
  double rebuild_every;
  double vocabulary_bytes;
  double leak_per_second;
  double pool_bytes;
  double pool_fill;
};

struct vocabulary {
  char** words;
  size_t count, capacity;
  double bytes;
};

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void* touched_alloc(size_t size) {
  char* p = malloc(size);
  if (!p) abort();
  memset(p, 1, size);
  return p;
}

__attribute__((noinline)) static void intern_word(struct vocabulary* v) {
  if (v->count == v->capacity) {
    v->capacity = v->capacity ? 2 * v->capacity : 1024;
    v->words = realloc(v->words, v->capacity * sizeof(char*));
    if (!v->words) abort();
  }
  size_t size = 64 * (1 + v->count % WORD_SIZES);
  v->words[v->count++] = touched_alloc(size);
  v->bytes += (double)size;
}

// The classic fix for a table that only grows: drop it and start again.
__attribute__((noinline)) static void rebuild(struct vocabulary* v) {
  for (size_t i = 0; i < v->count; ++i) free(v->words[i]);
  v->count = 0;
  v->bytes = 0;
}

__attribute__((noinline)) static void leak_slowly(void) {
  char* volatile lost = touched_alloc(LEAK_BLOCK);
  (void)lost;
}

__attribute__((noinline)) static void* fill_pool(void) { return touched_alloc(POOL_BLOCK); }

static int parse(int argc, char** argv, struct options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    double value = strtod(argv[i + 1], NULL);
    if (!strcmp(argv[i], "--seconds")) o->seconds = value;
    else if (!strcmp(argv[i], "--rebuild-every")) o->rebuild_every = value;
    else if (!strcmp(argv[i], "--vocabulary-bytes")) o->vocabulary_bytes = value;
    else if (!strcmp(argv[i], "--leak-per-second")) o->leak_per_second = value;
    else if (!strcmp(argv[i], "--pool-bytes")) o->pool_bytes = value;
    else if (!strcmp(argv[i], "--pool-fill")) o->pool_fill = value;
    else return 0;
  }
  return argc % 2 == 1 && o->seconds > 0;
}

int main(int argc, char** argv) {
  struct options o = {.seconds = 40, .rebuild_every = 2.5, .vocabulary_bytes = 140 << 20, .leak_per_second = 64 << 10,
                      .pool_bytes = 0, .pool_fill = 0.5};
  if (!parse(argc, argv, &o)) {
    fprintf(stderr,
            "usage: growth_shapes [--seconds S] [--rebuild-every S --vocabulary-bytes N] [--leak-per-second N]\n"
            "                     [--pool-bytes N --pool-fill S]\n");
    return 2;
  }
  struct vocabulary vocabulary = {0};
  void** pool = calloc((size_t)(o.pool_bytes / POOL_BLOCK) + 1, sizeof(void*));
  size_t pooled = 0, leaked = 0;
  double start = now_s(), generation_start = 0;
  const struct timespec tick = {0, 1000 * 1000};
  for (double t = 0; t < o.seconds; t = now_s() - start) {
    // Each shape catches up with where it should be by now.
    if (o.vocabulary_bytes > 0 && o.rebuild_every > 0) {
      if (t - generation_start >= o.rebuild_every) {
        rebuild(&vocabulary);
        generation_start += o.rebuild_every;
      }
      double due = o.vocabulary_bytes * (t - generation_start) / o.rebuild_every;
      while (vocabulary.bytes < due) intern_word(&vocabulary);
    }
    for (; (double)(leaked + 1) * LEAK_BLOCK <= o.leak_per_second * t; ++leaked) leak_slowly();
    double pool_due = o.pool_fill > 0 && t < o.pool_fill ? o.pool_bytes * t / o.pool_fill : o.pool_bytes;
    for (; (double)(pooled + 1) * POOL_BLOCK <= pool_due; ++pooled) pool[pooled] = fill_pool();
    nanosleep(&tick, NULL);
  }
  printf("leaked %zu blocks, pooled %zu, vocabulary %zu words\n", leaked, pooled, vocabulary.count);
  return 0;
}
