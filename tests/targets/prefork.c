// A prefork server, as nginx or a classic Apache runs: the parent opens a TCP socket on
// 127.0.0.1 and keeps WORKERS worker processes (argument 1) that accept on it; on SIGHUP (a
// reload) it forks a new generation and stops the old one. The parent also runs HELPERS
// threads that allocate (argument 2), as a threaded master does, so a worker forked while
// the parent is attached inherits their per-thread memory too.
//
// Each worker answers a connection with "pid PID hooked|native". In the folder named by
// argument 3 the parent keeps "parent" (its malloc slot: hooked or native) and "generation"
// (the last generation, and whether the parent's slot was hooked when it forked it); each
// worker keeps "worker.PID" ("hooked" or "native", malloc_slot.h), rewritten when it changes.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "malloc_slot.h"

#define MAX_WORKERS 16

static const char* state_dir;
static volatile sig_atomic_t reload_requested = 0;

static void on_reload(int signal) {
  (void)signal;
  reload_requested = 1;
}

static void state_path(char* path, size_t size, const char* name) { snprintf(path, size, "%s/%s", state_dir, name); }

// Some allocation per request, as a worker parses and answers.
static void handle_request(int connection) {
  char* buffer = malloc(512);
  int length = snprintf(buffer, 512, "pid %d %s\n", getpid(), malloc_hooked() ? "hooked" : "native");
  if (write(connection, buffer, (size_t)length) < 0) perror("write");
  free(buffer);
  close(connection);
}

// Accepts with a timeout, so that between requests the worker still notices its slot change.
static void run_worker(int listener) {
  struct timeval wait = {0, 50 * 1000};
  setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char path[4096], name[64];
  snprintf(name, sizeof name, "worker.%d", getpid());
  state_path(path, sizeof path, name);
  for (int last = -1;;) {
    int now = malloc_hooked();
    if (now != last) write_state_file(path, now ? "hooked\n" : "native\n");
    last = now;
    int connection = accept(listener, NULL, NULL);
    if (connection >= 0) handle_request(connection);
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) _exit(1);
  }
}

static pid_t fork_worker(int listener) {
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGHUP, SIG_DFL);
    run_worker(listener);
  }
  return pid;
}

static void* helper(void* arg) {
  (void)arg;
  for (unsigned long i = 0;; ++i) {
    char* volatile block = malloc(64 + i % 256);  // volatile: the compiler may not drop the pair
    free(block);
    if (i % 64 == 0) usleep(1000);
  }
  return NULL;
}

static int open_listener(int* port) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 64) != 0 ||
      getsockname(listener, (struct sockaddr*)&address, &length) != 0) {
    perror("listen");
    exit(1);
  }
  *port = ntohs(address.sin_port);
  return listener;
}

// A reload: the new generation starts before the old one is told to stop, as nginx does.
static void start_generation(int listener, pid_t* workers, int count, int generation) {
  pid_t old[MAX_WORKERS];
  memcpy(old, workers, sizeof old);
  int hooked = malloc_hooked();
  for (int i = 0; i < count; ++i) workers[i] = fork_worker(listener);
  for (int i = 0; i < count; ++i)
    if (old[i] > 0) kill(old[i], SIGTERM);
  char path[4096], text[64];
  state_path(path, sizeof path, "generation");
  snprintf(text, sizeof text, "%d %s\n", generation, hooked ? "forked_hooked" : "forked_native");
  write_state_file(path, text);
}

int main(int argc, char** argv) {
  int count = argc > 1 ? atoi(argv[1]) : 3;
  int helpers = argc > 2 ? atoi(argv[2]) : 2;
  state_dir = argc > 3 ? argv[3] : ".";
  if (count < 1 || count > MAX_WORKERS) count = 3;
  int port = 0;
  int listener = open_listener(&port);
  signal(SIGHUP, on_reload);
  for (int i = 0; i < helpers; ++i) {
    pthread_t thread;
    pthread_create(&thread, NULL, helper, NULL);
  }
  pid_t workers[MAX_WORKERS] = {0};
  int generation = 1;
  start_generation(listener, workers, count, generation);
  printf("serving port %d pid %d\n", port, getpid());
  fflush(stdout);
  char path[4096];
  state_path(path, sizeof path, "parent");
  for (int last = -1;; usleep(2000)) {
    int now = malloc_hooked();
    if (now != last) write_state_file(path, now ? "hooked\n" : "native\n");
    last = now;
    if (reload_requested) {
      reload_requested = 0;
      start_generation(listener, workers, count, ++generation);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
  }
}
