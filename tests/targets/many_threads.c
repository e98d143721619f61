// More threads than the session has rings: many alive at once, and many that come and go.
// Every block a worker allocates has MARK_SIZE bytes, so a test can count them exactly in
// the recording (glibc's own allocations for threads vary with its stack cache), and each
// worker leaks one. A worker also allocates from a thread-specific-data destructor, which
// runs after leakrank's own (its key is made later): events of a thread that has already
// handed back its ring and stack cache must not be lost either.
//
//   many_threads rounds ROUNDS THREADS   THREADS alive at once, ROUNDS times; prints the
//                                        process's memory after each round
//   many_threads short-lived COUNT       COUNT threads, a few at a time
//   many_threads cost THREADS PAIRS      PAIRS malloc/free pairs spread over THREADS alive at
//                                        once; prints the wall and CPU time per event
// Each mode ends with "marked_allocations=N leaked=M": what the recording must hold.
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MARK_SIZE 2345
#define PAIRS_PER_WORKER 200
#define SHORT_LIVED_BATCH 8
#define WORKER_STACK (128 * 1024)  // a thousand threads need no 8 MiB stacks

static pthread_key_t late_key;
static pthread_barrier_t all_alive;
static long pairs_per_worker = PAIRS_PER_WORKER;
static long warm_up_pairs = 0;  // before waiting for the others

static void churn(long pairs) {
  for (long i = 0; i < pairs; ++i) {
    char* volatile p = malloc(MARK_SIZE);
    p[0] = 1;
    free(p);
  }
}

static void allocate_after_exit_hooks(void* value) {
  (void)value;
  churn(1);
}

// The span from the first worker's start of churning to the last one's end, and the CPU
// time the workers spent churning (which other processes on the machine do not inflate), in ns.
static int64_t churn_start = INT64_MAX, churn_end = 0, churn_cpu = 0;
static pthread_mutex_t churn_span_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t ns_now(clockid_t clock) {
  struct timespec now;
  clock_gettime(clock, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void* worker(void* wait_for_all) {
  pthread_setspecific(late_key, (void*)1);
  churn(warm_up_pairs);
  if (wait_for_all) pthread_barrier_wait(&all_alive);
  int64_t start = ns_now(CLOCK_MONOTONIC), cpu_start = ns_now(CLOCK_THREAD_CPUTIME_ID);
  churn(pairs_per_worker);
  int64_t end = ns_now(CLOCK_MONOTONIC), cpu = ns_now(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
  pthread_mutex_lock(&churn_span_lock);
  if (start < churn_start) churn_start = start;
  if (end > churn_end) churn_end = end;
  churn_cpu += cpu;
  pthread_mutex_unlock(&churn_span_lock);
  char* volatile leaked = malloc(MARK_SIZE);
  leaked[0] = 1;
  return NULL;
}

// Marked allocations each worker makes: its warm-up and its pairs, the block it leaks, the
// destructor's pair.
static long marked_per_worker(void) { return warm_up_pairs + pairs_per_worker + 2; }

static pthread_t* start_workers(int count, int wait_for_all) {
  pthread_t* threads = calloc((size_t)count, sizeof *threads);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, WORKER_STACK);
  for (int i = 0; i < count; ++i)
    if (pthread_create(&threads[i], &attributes, worker, wait_for_all ? (void*)1 : NULL) != 0) {
      perror("pthread_create");
      exit(1);
    }
  pthread_attr_destroy(&attributes);
  return threads;
}

static void join_workers(pthread_t* threads, int count) {
  for (int i = 0; i < count; ++i) pthread_join(threads[i], NULL);
  free(threads);
}

static void run_alive_at_once(int count) {
  pthread_barrier_init(&all_alive, NULL, (unsigned)count);
  join_workers(start_workers(count, 1), count);
  pthread_barrier_destroy(&all_alive);
}

// VmSize, VmRSS and RssAnon in KiB, read without stdio so the numbers are not our own
// buffers'. RssAnon leaves out the pages of leakrank's shared-memory rings, which VmRSS counts.
static long status_kb(const char* status, const char* field) {
  const char* at = strstr(status, field);
  return at ? strtol(at + strlen(field) + 1, NULL, 10) : -1;
}

static void print_memory(int round) {
  char status[8192];
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ssize_t got = fd < 0 ? -1 : read(fd, status, sizeof status - 1);
  if (fd >= 0) close(fd);
  status[got > 0 ? got : 0] = '\0';
  printf("round=%d vm_kb=%ld rss_kb=%ld anon_kb=%ld\n", round, status_kb(status, "VmSize:"), status_kb(status, "VmRSS:"),
         status_kb(status, "RssAnon:"));
}

// Each mode returns how many workers it ran.

// One malloc arena: glibc makes up to 8 per core as threads contend, each 64 MiB of address
// space, at moments that vary from run to run; growth between rounds is then leakrank's own.
static long mode_rounds(int rounds, int threads) {
  mallopt(M_ARENA_MAX, 1);
  for (int round = 1; round <= rounds; ++round) {
    run_alive_at_once(threads);
    print_memory(round);
  }
  return (long)rounds * threads;
}

static long mode_short_lived(long count) {
  pairs_per_worker = 4;
  for (long done = 0; done < count; done += SHORT_LIVED_BATCH) {
    int batch = count - done < SHORT_LIVED_BATCH ? (int)(count - done) : SHORT_LIVED_BATCH;
    join_workers(start_workers(batch, 0), batch);
  }
  return count;
}

// Timed from the first worker's first event to the last one's last, all of them alive, and
// by the CPU time they spent. A thread's first events pay once for what it sets up (a ring,
// a stack cache, libunwind's caches): they come before the clock starts.
static long mode_cost(int threads, long pairs) {
  pairs_per_worker = pairs / threads;
  warm_up_pairs = 100;
  run_alive_at_once(threads);
  double events = 2.0 * (double)pairs_per_worker * threads;
  printf("ns_per_event=%.1f cpu_ns_per_event=%.1f\n", (double)(churn_end - churn_start) / events, (double)churn_cpu / events);
  return threads;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_key_create(&late_key, allocate_after_exit_hooks);
  const char* mode = argc > 1 ? argv[1] : "";
  long workers = -1;
  if (!strcmp(mode, "rounds") && argc == 4) workers = mode_rounds(atoi(argv[2]), atoi(argv[3]));
  else if (!strcmp(mode, "short-lived") && argc == 3) workers = mode_short_lived(atol(argv[2]));
  else if (!strcmp(mode, "cost") && argc == 4) workers = mode_cost(atoi(argv[2]), atol(argv[3]));
  if (workers < 0) {
    fprintf(stderr, "usage: many_threads rounds ROUNDS THREADS | short-lived COUNT | cost THREADS PAIRS\n");
    return 2;
  }
  printf("marked_allocations=%ld leaked=%ld\n", workers * marked_per_worker(), workers);
  return 0;
}
