// A program that does, on request, what a hostile environment or an unusual program does
// to a profiler: run out of memory, close every descriptor, start a session, set its own
// LD_PRELOAD for a child. Like lifecycle.c, each mode leaks MARK_COUNT blocks of MARK_SIZE
// bytes in the process it is about, so a test can find them in the recording.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "marks.h"

extern char** environ;

static void* leak_marks_thread(void* arg) {
  (void)arg;
  leak_marks();
  return NULL;
}

// Exit code 2, with the call that failed and why, so a failed test can tell this from leakrank's own 2.
static int report_failure(const char* call) {
  fprintf(stderr, "target_robust: %s failed: %s\n", call, strerror(errno));
  return 2;
}

// Leaks its marks, waits long enough for the recorder to flush them, then takes memory
// until the kernel (cgroup limit: SIGKILL) or malloc (ulimit -v: NULL, then abort) stops it.
static int mode_oom(void) {
  leak_marks();
  printf("marked\n");
  usleep(1500 * 1000);
  for (;;) {
    size_t size = 1 << 20;
    char* p = malloc(size);
    if (!p) {
      printf("malloc failed\n");
      abort();  // what xmalloc and operator new do
    }
    memset(p, 1, size);
  }
}

// A daemon's first step: close everything, then keep allocating, on a new thread too.
static int mode_closefds(void) {
  leak_marks();
  long max = sysconf(_SC_OPEN_MAX);
  for (long fd = 0; fd < (max > 0 && max < 65536 ? max : 65536); ++fd) close((int)fd);
  pthread_t thread;
  if (pthread_create(&thread, NULL, leak_marks_thread, NULL) != 0) return 2;
  pthread_join(thread, NULL);
  return 0;
}

// A new session for itself, and one for a child it forks.
static int mode_setsid(void) {
  if (setsid() < 0) perror("setsid");  // fails only when already a group leader
  pid_t child = fork();
  if (child == 0) {
    if (setsid() < 0) _exit(3);
    leak_marks();
    _exit(0);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return report_failure(child < 0 ? "fork" : "waitpid");
  leak_marks();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Runs itself as a child ("leaf") with LD_PRELOAD replaced, extended or removed, as
// programs that load their own interposers do.
static int mode_preload_child(const char* self, const char* how, const char* library) {
  char value[4096] = "";
  const char* existing = getenv("LD_PRELOAD");
  if (!strcmp(how, "append")) snprintf(value, sizeof value, "%s:%s", existing ? existing : "", library);
  else snprintf(value, sizeof value, "%s", library);
  if (!strcmp(how, "unset")) unsetenv("LD_PRELOAD");
  else setenv("LD_PRELOAD", value, 1);
  pid_t child = fork();
  if (child == 0) {
    execle(self, self, "leaf", (char*)NULL, environ);
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return report_failure(child < 0 ? "fork" : "waitpid");
  leak_marks();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "leaf";
  setvbuf(stdout, NULL, _IONBF, 0);
  int result = 1;
  if (!strcmp(mode, "leaf")) {
    leak_marks();
    result = 0;
  } else if (!strcmp(mode, "euid")) {
    printf("euid=%d\n", (int)geteuid());  // shows whether a set-user-ID bit took effect
    return 0;
  } else if (!strcmp(mode, "oom")) result = mode_oom();
  else if (!strcmp(mode, "closefds")) return mode_closefds();  // stdout is gone
  else if (!strcmp(mode, "setsid")) result = mode_setsid();
  else if (!strcmp(mode, "preload-child") && argc > 3) result = mode_preload_child(argv[0], argv[2], argv[3]);
  printf("%s done\n", mode);
  return result;
}
