// Programs that hung a profiler: each mode does one thing real programs do at a moment
// when a hook can least afford to wait. Each mode leaks MARK_COUNT blocks of MARK_SIZE
// bytes in the process it is about, so a test can find them in the recording.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "marks.h"

extern char** environ;

// A JVM thread's first call: glibc's pthread_getattr_np reallocs while it holds the
// thread's own lock, so a hook that asks it anything from that realloc waits on itself.
static void* getattr_first(void* arg) {
  (void)arg;
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) == 0) pthread_attr_destroy(&attributes);
  leak_marks();
  return NULL;
}

static int mode_getattr_first(void) {
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i)
    if (pthread_create(&threads[i], NULL, getattr_first, NULL) != 0) return 2;
  for (int i = 0; i < 4; ++i) pthread_join(threads[i], NULL);
  getattr_first(NULL);  // the main thread: glibc reads /proc/self/maps with stdio for it
  return 0;
}

// Allocations from many distinct call chains keep the unwinder busy outside its caches.
static int g_stop;
static void* allocate_at_depth(int depth) {
  if (depth > 0) {
    void* volatile p = allocate_at_depth(depth - 1);
    return p;
  }
  return malloc(16);
}
static void* churn(void* arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  while (!__atomic_load_n(&g_stop, __ATOMIC_RELAXED)) free(allocate_at_depth((int)(rand_r(&seed) % 40)));
  return NULL;
}

// Forks children one after another; each allocates from a few call chains and leaks its marks.
static int fork_children(int children) {
  int failed = 0;
  for (int i = 0; i < children; ++i) {
    pid_t child = fork();
    if (child == 0) {
      free(allocate_at_depth(i % 7));
      leak_marks();
      _exit(0);
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  if (failed) fprintf(stderr, "target_hazards: %d children failed\n", failed);
  return failed;
}

// Forks while other threads unwind: a child that inherits a lock the unwinder held hangs.
static int mode_fork_while_unwinding(int children) {
  pthread_t threads[3];
  for (int i = 0; i < 3; ++i)
    if (pthread_create(&threads[i], NULL, churn, (void*)(uintptr_t)(i + 1)) != 0) return 2;
  int failed = fork_children(children);
  __atomic_store_n(&g_stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < 3; ++i) pthread_join(threads[i], NULL);
  leak_marks();
  return failed ? 1 : 0;
}

// Forks while another thread walks the loaded objects (as backtraces and JITs do): glibc's
// fork leaves that walk's lock held in the child, where nothing may take it again.
static int slow_visit(struct dl_phdr_info* info, size_t size, void* data) {
  (void)info, (void)size, (void)data;
  usleep(100);
  return 0;
}
static void* walk_objects(void* arg) {
  (void)arg;
  while (!__atomic_load_n(&g_stop, __ATOMIC_RELAXED)) dl_iterate_phdr(slow_visit, NULL);
  return NULL;
}

static int mode_fork_while_walking(int children) {
  pthread_t walker;
  if (pthread_create(&walker, NULL, walk_objects, NULL) != 0) return 2;
  usleep(10 * 1000);
  int failed = fork_children(children);
  __atomic_store_n(&g_stop, 1, __ATOMIC_RELAXED);
  pthread_join(walker, NULL);
  leak_marks();
  return failed ? 1 : 0;
}

// What a shell does: a forked child execs with an environment it built itself (deep copies
// taken at start), not with environ, so nothing written into environ after fork reaches the
// new image. Its pid must keep one recording.
static char** g_own_environment;

static void copy_environment(void) {
  size_t count = 0;
  while (environ[count]) ++count;
  g_own_environment = calloc(count + 1, sizeof(char*));
  for (size_t i = 0; i < count; ++i) g_own_environment[i] = strdup(environ[i]);
}

static int wait_for(pid_t child) {
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return 2;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int mode_exec_with_own_environment(const char* self, const char* then) {
  pid_t child = fork();
  if (child == 0) {
    execle(self, self, then, (char*)NULL, g_own_environment);
    _exit(127);
  }
  return wait_for(child);
}

// A grandchild started by posix_spawn (no fork handlers run) from a child that exec'd.
static int mode_spawn_leaf(const char* self) {
  pid_t leaf;
  char* argv[] = {(char*)self, "leaf", NULL};
  if (posix_spawn(&leaf, self, NULL, NULL, argv, environ) != 0) return 2;
  return wait_for(leaf);
}

// The object that this program's calls to malloc reach: the one its GOT slot points into.
static const char* malloc_slot_owner(void) {
  struct link_map* program = _r_debug.r_map;
  ElfW(Rela)* tables[2] = {NULL, NULL};
  size_t sizes[2] = {0, 0};
  ElfW(Sym)* symbols = NULL;
  const char* names = NULL;
  for (ElfW(Dyn)* d = program->l_ld; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_JMPREL) tables[0] = (ElfW(Rela)*)d->d_un.d_ptr;
    if (d->d_tag == DT_PLTRELSZ) sizes[0] = d->d_un.d_val;
    if (d->d_tag == DT_RELA) tables[1] = (ElfW(Rela)*)d->d_un.d_ptr;
    if (d->d_tag == DT_RELASZ) sizes[1] = d->d_un.d_val;
    if (d->d_tag == DT_SYMTAB) symbols = (ElfW(Sym)*)d->d_un.d_ptr;
    if (d->d_tag == DT_STRTAB) names = (const char*)d->d_un.d_ptr;
  }
  for (int t = 0; t < 2; ++t)
    for (size_t i = 0; tables[t] && i < sizes[t] / sizeof(ElfW(Rela)); ++i) {
      ElfW(Rela)* r = &tables[t][i];
      if (strcmp(names + symbols[ELF64_R_SYM(r->r_info)].st_name, "malloc") != 0) continue;
      Dl_info owner;
      void* target = *(void**)(program->l_addr + r->r_offset);
      return dladdr(target, &owner) && owner.dli_fname ? owner.dli_fname : "?";
    }
  return "no slot";
}

// A service that forks a worker once leakrank has attached (as a prefork server's reload
// does). The worker says where its malloc calls go: a child of an attached process runs
// natively.
static int mode_fork_when_attached(void) {
  printf("serving pid %d\n", (int)getpid());
  for (int round = 0; !strstr(malloc_slot_owner(), "libleakrank"); ++round) {
    if (round == 30000) return 3;  // never attached
    free(allocate_at_depth(round % 5));
    usleep(1000);
  }
  pid_t worker = fork();
  if (worker == 0) {
    printf("worker malloc reaches %s\n", malloc_slot_owner());
    _exit(0);
  }
  for (int round = 0; round < 3000; ++round) {  // serves on, past the recording's end
    free(allocate_at_depth(round % 5));
    usleep(1000);
  }
  return wait_for(worker);
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  int result = 1;
  setvbuf(stdout, NULL, _IONBF, 0);
  copy_environment();
  if (!strcmp(mode, "leaf")) {
    leak_marks();
    return 0;
  }
  if (!strcmp(mode, "spawn-leaf")) return mode_spawn_leaf(argv[0]);
  if (!strcmp(mode, "fork-when-attached")) return mode_fork_when_attached();
  if (!strcmp(mode, "exec-with-own-environment")) result = mode_exec_with_own_environment(argv[0], "leaf");
  else if (!strcmp(mode, "spawn-from-exec")) result = mode_exec_with_own_environment(argv[0], "spawn-leaf");
  else if (!strcmp(mode, "getattr-first")) result = mode_getattr_first();
  else if (!strcmp(mode, "fork-while-unwinding") && argc > 2) result = mode_fork_while_unwinding(atoi(argv[2]));
  else if (!strcmp(mode, "fork-while-walking") && argc > 2) result = mode_fork_while_walking(atoi(argv[2]));
  else {
    fprintf(stderr,
            "usage: target_hazards getattr-first | fork-while-unwinding CHILDREN | fork-while-walking CHILDREN |\n"
            "                      exec-with-own-environment | spawn-from-exec | fork-when-attached\n");
    return 2;
  }
  printf("%s done\n", mode);
  return result;
}
