// A program that does, on request, what real programs do to a profiler: threads, fork,
// exec, dlopen, signals and every way of ending. Each mode leaks MARK_COUNT blocks of
// MARK_SIZE bytes in the process it is about, so a test can find them in the recording.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARK_SIZE 4321
#define MARK_COUNT 7
#define PLUGIN_LEAK_SIZE 1234  // dlopen mode leaks 4 of these from inside the plugin

extern char** environ;
static const char* self_path;

static void leak_marks(void) {
  for (int i = 0; i < MARK_COUNT; ++i) {
    char* volatile p = malloc(MARK_SIZE);
    p[0] = 1;
  }
}

static void churn(int rounds) {
  for (int i = 0; i < rounds; ++i) {
    void* volatile p = malloc(16 + (i % 200));
    free(p);
  }
}

// Pointers handed from one thread to another: allocated here, freed there.
#define QUEUE 256
static void* queue[QUEUE];
static int head, tail;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;

static void* producer(void* arg) {
  long items = (long)arg;
  for (long i = 0; i < items; ++i) {
    void* p = malloc(32 + i % 64);
    pthread_mutex_lock(&queue_lock);
    while ((head + 1) % QUEUE == tail) pthread_cond_wait(&queue_cond, &queue_lock);
    queue[head] = p;
    head = (head + 1) % QUEUE;
    pthread_cond_broadcast(&queue_cond);
    pthread_mutex_unlock(&queue_lock);
  }
  return NULL;
}

static void* consumer(void* arg) {
  long items = (long)arg;
  for (long i = 0; i < items; ++i) {
    pthread_mutex_lock(&queue_lock);
    while (head == tail) pthread_cond_wait(&queue_cond, &queue_lock);
    void* p = queue[tail];
    tail = (tail + 1) % QUEUE;
    pthread_cond_broadcast(&queue_cond);
    pthread_mutex_unlock(&queue_lock);
    free(p);
  }
  return NULL;
}

static void* short_lived(void* arg) {
  (void)arg;
  churn(50);
  return NULL;
}

static int mode_threads(void) {
  // Blocks allocated while the process has one thread (it orders its events without a
  // locked add), freed by other threads once there are many.
  for (int i = 0; i < QUEUE / 2; ++i) {
    queue[head] = malloc(48 + i);
    head = (head + 1) % QUEUE;
  }
  // 8 producer/consumer pairs hand pointers across threads...
  pthread_t threads[16];
  for (int i = 0; i < 16; ++i) pthread_create(&threads[i], NULL, i % 2 ? consumer : producer, (void*)20000L);
  for (int i = 0; i < 16; ++i) pthread_join(threads[i], NULL);
  for (; tail != head; tail = (tail + 1) % QUEUE) free(queue[tail]);
  // ...and thousands of threads come and go, more than there are rings.
  for (int round = 0; round < 500; ++round) {
    pthread_t batch[4];
    for (int i = 0; i < 4; ++i) pthread_create(&batch[i], NULL, short_lived, NULL);
    for (int i = 0; i < 4; ++i) pthread_join(batch[i], NULL);
  }
  leak_marks();
  return 0;
}

static int wait_child(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int mode_fork(void) {
  pid_t pid = fork();
  if (pid == 0) {
    leak_marks();
    churn(1000);
    _exit(5);
  }
  churn(1000);
  return wait_child(pid) == 5 ? 0 : 1;
}

static int mode_forkexec(void) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(self_path, self_path, "leaf", (char*)NULL);
    _exit(99);
  }
  return wait_child(pid) == 0 ? 0 : 1;
}

static int mode_spawn(void) {
  pid_t pid;
  char* argv[] = {(char*)self_path, "leaf", NULL};
  if (posix_spawn(&pid, self_path, NULL, NULL, argv, environ) != 0) return 1;
  return wait_child(pid) == 0 ? 0 : 1;
}

static int mode_system(void) {
  char command[4096];
  snprintf(command, sizeof command, "'%s' leaf", self_path);
  return system(command) == 0 ? 0 : 1;
}

static int mode_nested(void) {
  pid_t pid = fork();
  if (pid == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      leak_marks();
      _exit(0);
    }
    _exit(wait_child(grandchild));
  }
  return wait_child(pid);
}

// A child that starts late, is adopted under its parent's command line, then execs: its
// recording must name the program it exec'd and span its own life.
static int mode_exec_later(void) {
  usleep(300 * 1000);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(300 * 1000);
    execl(self_path, self_path, "hold", (char*)NULL);
    _exit(99);
  }
  int status = wait_child(pid);
  usleep(300 * 1000);
  return status == 0 ? 0 : 1;
}

// What exec-later's child execs: a leaf that lives long enough to be looked at.
static int mode_hold(void) {
  leak_marks();
  usleep(200 * 1000);
  return 0;
}

// A worker retitled as nginx does it: the title over argv[0], the rest of the arguments'
// memory zeroed, so /proc/PID/cmdline has a string of empty arguments after the title.
static int mode_retitle(int argc, char** argv) {
  pid_t pid = fork();
  if (pid == 0) {
    char* end = argv[argc - 1] + strlen(argv[argc - 1]);
    memset(argv[0], 0, (size_t)(end - argv[0]));
    strncpy(argv[0], "lifecycle: worker", (size_t)(end - argv[0]));
    leak_marks();
    usleep(300 * 1000);
    _exit(0);
  }
  return wait_child(pid);
}

static int parent_is_leakrank(void) {
  char path[64], name[32] = "";
  snprintf(path, sizeof path, "/proc/%d/comm", (int)getppid());
  FILE* comm = fopen(path, "r");
  if (comm) {
    if (!fgets(name, sizeof name, comm)) name[0] = '\0';
    fclose(comm);
  }
  return !strcmp(name, "leakrank\n");
}

// A child that is gone before the recorder looks at it: under leakrank, its parent, the
// recorder is stopped until the child has been reaped.
static int mode_outrun(void) {
  int stop = parent_is_leakrank();
  if (stop) kill(getppid(), SIGSTOP);
  pid_t pid = fork();
  if (pid == 0) {
    execl(self_path, self_path, "leaf", (char*)NULL);
    _exit(99);
  }
  int status = wait_child(pid);
  if (stop) kill(getppid(), SIGCONT);
  return status;
}

static int mode_dlopen(const char* plugin) {
  for (int i = 0; i < 200; ++i) {
    void* handle = dlopen(plugin, RTLD_NOW);
    if (!handle) {
      fprintf(stderr, "dlopen: %s\n", dlerror());
      return 1;
    }
    void* (*plugin_allocate)(size_t) = (void* (*)(size_t))dlsym(handle, "plugin_allocate");
    void* p = plugin_allocate(100);
    free(p);
    if (i % 50 == 0) plugin_allocate(PLUGIN_LEAK_SIZE);  // leaked from inside the plugin
    dlclose(handle);
  }
  leak_marks();
  return 0;
}

static void* exit_from_thread(void* arg) {
  (void)arg;
  leak_marks();
  exit(6);
}

static volatile sig_atomic_t ticks;
static void on_alarm(int signal) {
  (void)signal;
  ticks = ticks + 1;
}

static int mode_signals(void) {
  signal(SIGALRM, on_alarm);
  struct itimerval timer = {{0, 200}, {0, 200}};
  setitimer(ITIMER_REAL, &timer, NULL);
  while (ticks < 200) churn(1000);
  timer.it_value.tv_usec = 0;
  timer.it_interval.tv_usec = 0;
  setitimer(ITIMER_REAL, &timer, NULL);
  leak_marks();
  return 0;
}

static int mode_allocator_api(void) {
  void* p = malloc(10);
  for (int i = 1; i < 100; ++i) p = realloc(p, (size_t)i * 100);
  free(p);
  void* aligned = NULL;
  if (posix_memalign(&aligned, 1 << 16, 1000) != 0 || ((uintptr_t)aligned & 0xffff)) return 1;
  free(aligned);
  void* volatile page = aligned_alloc(4096, 8192);
  free(page);
  free(memalign(256, 300));
  free(valloc(100));
  free(pvalloc(100));
  errno = 0;
  if (calloc(SIZE_MAX / 2, 4) != NULL || errno != ENOMEM) return 2;  // overflow must still fail
  errno = 0;
  if (reallocarray(NULL, SIZE_MAX / 2, 4) != NULL || errno != ENOMEM) return 3;
  volatile size_t huge = SIZE_MAX / 2;  // fails: sampling must not walk the sample points it spans
  errno = 0;
  if (malloc(huge) != NULL || errno != ENOMEM) return 7;
  void* kept = malloc(64);  // a realloc that fails leaves its block live and unchanged
  memset(kept, 7, 64);
  errno = 0;
  if (realloc(kept, SIZE_MAX / 2) != NULL || errno != ENOMEM || ((unsigned char*)kept)[63] != 7) return 6;
  free(kept);
  void* volatile zero = malloc(0);
  if (!zero) return 5;
  free(zero);
  free(NULL);
  void* grown = reallocarray(NULL, 10, 10);
  if (malloc_usable_size(grown) < 100) return 4;
  free(realloc(grown, 0) ? NULL : NULL);
  leak_marks();
  return 0;
}

int main(int argc, char** argv) {
  self_path = argv[0];
  const char* mode = argc > 1 ? argv[1] : "leaf";
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!strcmp(mode, "leaf")) {
    leak_marks();
    printf("leaf done\n");
    return 0;
  }
  int result = 1;
  if (!strcmp(mode, "threads")) result = mode_threads();
  else if (!strcmp(mode, "fork")) result = mode_fork();
  else if (!strcmp(mode, "forkexec")) result = mode_forkexec();
  else if (!strcmp(mode, "spawn")) result = mode_spawn();
  else if (!strcmp(mode, "system")) result = mode_system();
  else if (!strcmp(mode, "nested")) result = mode_nested();
  else if (!strcmp(mode, "exec-later")) result = mode_exec_later();
  else if (!strcmp(mode, "retitle")) result = mode_retitle(argc, argv);
  else if (!strcmp(mode, "outrun")) result = mode_outrun();
  else if (!strcmp(mode, "hold")) result = mode_hold();
  else if (!strcmp(mode, "dlopen") && argc > 2) result = mode_dlopen(argv[2]);
  else if (!strcmp(mode, "signals")) result = mode_signals();
  else if (!strcmp(mode, "allocator-api")) result = mode_allocator_api();
  else if (!strcmp(mode, "exit-from-thread")) {
    pthread_t thread;
    pthread_create(&thread, NULL, exit_from_thread, NULL);
    pthread_join(thread, NULL);
    return 1;  // not reached: the thread ends the process
  } else if (!strcmp(mode, "_exit")) {
    leak_marks();
    printf("%s done\n", mode);
    _exit(7);
  } else if (!strcmp(mode, "abort")) {
    leak_marks();
    abort();
  } else if (!strcmp(mode, "exec")) {
    churn(100);
    execl(self_path, self_path, "leaf", (char*)NULL);
    return 99;
  } else if (!strcmp(mode, "sleep")) {
    leak_marks();
    printf("sleeping\n");
    for (;;) {
      churn(100);
      usleep(1000);
    }
  }
  printf("%s done\n", mode);
  return result;
}
