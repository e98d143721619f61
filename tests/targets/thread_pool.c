// A service with a large pool of mostly idle threads, for checks that a detach gives back
// everything an attach took: THREADS workers (argument 1) wait on a condition variable and
// wake on every tick of the main thread (every 100 ms) to allocate and free a few blocks;
// BUSY workers (argument 2) allocate and free without pause. At any instant nearly every
// worker is blocked, as in a real pool, so none of them can give back memory of its own.
// "serving pid N" is printed once every worker has allocated and touched its stack, so the
// memory the process holds is steady from then on.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_STACK (256 * 1024)
// A worker's calls reach this deep into its stack before the attach, as a service's request
// handling does: the stack pages any deeper call touches (an allocator hook's) are then ones
// the thread already had, and a test sees only memory that was mapped for the attach.
#define STACK_IN_USE (64 * 1024)

static pthread_mutex_t tick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick_cond = PTHREAD_COND_INITIALIZER;
static unsigned long tick = 0;
static pthread_barrier_t warmed_up;

__attribute__((noinline)) static void touch_stack(void) {
  volatile char used[STACK_IN_USE];
  for (size_t i = 0; i < sizeof used; i += 512) used[i] = 1;
}

// Two call sites, so that a worker's stacks differ as a service's do.
__attribute__((noinline)) static void* take(size_t size) { return malloc(size); }
__attribute__((noinline)) static char* copy(const char* text) { return strdup(text); }

// The same sizes every time: each thread's first round fills its allocator caches, and the
// heap stays as it is from then on.
static void work_once(void) {
  static const size_t sizes[4] = {48, 200, 700, 900};
  void* blocks[4];
  for (int i = 0; i < 4; ++i) blocks[i] = take(sizes[i]);
  char* text = copy("a request");
  free(text);
  for (int i = 0; i < 4; ++i) free(blocks[i]);
}

static void* idle_worker(void* arg) {
  (void)arg;
  touch_stack();
  work_once();
  pthread_barrier_wait(&warmed_up);
  unsigned long seen = 0;
  for (;;) {
    pthread_mutex_lock(&tick_lock);
    while (tick == seen) pthread_cond_wait(&tick_cond, &tick_lock);
    seen = tick;
    pthread_mutex_unlock(&tick_lock);
    work_once();
  }
  return NULL;
}

static void* busy_worker(void* arg) {
  (void)arg;
  touch_stack();
  pthread_barrier_wait(&warmed_up);
  for (unsigned long round = 0;; ++round) {
    work_once();
    if (round % 16 == 0) usleep(1000);  // a service, not a benchmark: leave the CPU to others
  }
  return NULL;
}

static void start(int count, void* (*body)(void*)) {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, WORKER_STACK);
  for (int i = 0; i < count; ++i) {
    pthread_t thread;
    if (pthread_create(&thread, &attributes, body, NULL) != 0) {
      perror("pthread_create");
      exit(1);
    }
  }
  pthread_attr_destroy(&attributes);
}

int main(int argc, char** argv) {
  int idle = argc > 1 ? atoi(argv[1]) : 400;
  int busy = argc > 2 ? atoi(argv[2]) : 4;
  pthread_barrier_init(&warmed_up, NULL, (unsigned)(idle + busy + 1));
  start(idle, idle_worker);
  start(busy, busy_worker);
  pthread_barrier_wait(&warmed_up);
  printf("serving pid %d\n", getpid());
  fflush(stdout);
  for (;;) {
    usleep(100 * 1000);
    pthread_mutex_lock(&tick_lock);
    ++tick;
    pthread_cond_broadcast(&tick_cond);
    pthread_mutex_unlock(&tick_lock);
  }
}
