// A small program whose memory is known: 2 MiB of heap, held, and four threads whose
// allocations fill a ring each under leakrank (4 MiB of shared memory per thread). As it
// ends it prints its peak RSS (VmHWM, in kB), so that a test can run it alone and compare.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HEAP_BYTES (2 << 20)
#define THREADS 4
#define ROUNDS 200000  // allocations and frees: more than a ring's 131072 slots

static void* churn(void* arg) {
  (void)arg;
  void* volatile kept[16] = {0};
  for (int i = 0; i < ROUNDS; ++i) {
    free(kept[i % 16]);
    kept[i % 16] = malloc(16 + i % 200);
  }
  for (int i = 0; i < 16; ++i) free(kept[i]);
  return NULL;
}

static long peak_rss_kb(void) {
  FILE* status = fopen("/proc/self/status", "r");
  char line[256];
  long kb = 0;
  while (status && fgets(line, sizeof line, status))
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  if (status) fclose(status);
  return kb;
}

int main(void) {
  volatile char* heap = malloc(HEAP_BYTES);
  for (int i = 0; i < HEAP_BYTES; i += 1024) heap[i] = 1;  // a store the compiler keeps
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; ++i) pthread_create(&threads[i], NULL, churn, NULL);
  for (int i = 0; i < THREADS; ++i) pthread_join(threads[i], NULL);
  usleep(400 * 1000);  // held: leakrank samples RSS every 0.1 s
  printf("%ld\n", peak_rss_kb());
  free((void*)heap);
  return 0;
}
