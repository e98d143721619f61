// A small service for attach tests: THREADS workers (argument 1, default 4) allocate and
// free without pause; the main thread writes to the file named by argument 2 whether its
// GOT slot for malloc points at libleakrank's hook ("hooked") or not ("native"), whenever
// that changes (malloc_slot.h).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <ucontext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "malloc_slot.h"

static void* churn(void* arg) {
  (void)arg;
  void* kept[64] = {0};
  for (unsigned long i = 0;; ++i) {
    unsigned slot = (unsigned)(i * 2654435761u) % 64;
    free(kept[slot]);
    kept[slot] = malloc(16 + (i % 512));
    if (i % 1024 == 0) usleep(100);  // a service, not a benchmark: leave the CPU to others
  }
  return NULL;
}

// A crash says where, for the test's failure message: the instruction and the address.
static void on_crash(int signal, siginfo_t* info, void* context) {
  ucontext_t* uc = context;
  char line[160];
  int n = snprintf(line, sizeof line, "crash: signal %d at rip %llx, address %p\n", signal,
                   (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], info->si_addr);
  write(2, line, (size_t)n);
  _exit(128 + signal);
}

int main(int argc, char** argv) {
  struct sigaction crash = {0};
  crash.sa_sigaction = on_crash;
  crash.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &crash, NULL);
  sigaction(SIGBUS, &crash, NULL);
  int threads = argc > 1 ? atoi(argv[1]) : 4;
  const char* state_file = argc > 2 ? argv[2] : "probe.state";
  for (int i = 0; i < threads; ++i) {
    pthread_t thread;
    pthread_create(&thread, NULL, churn, NULL);
  }
  printf("serving pid %d\n", getpid());
  fflush(stdout);
  for (int last = -1;; usleep(2000)) {
    int now = malloc_hooked();
    if (now != last) write_state_file(state_file, now ? "hooked\n" : "native\n");
    last = now;
  }
}
