// The interposed allocator API. Each hook calls the real function and records the event,
// unless it runs inside leakrank itself (reentrancy) or before the real functions are known.
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/single_threaded.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdarg>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "preload/capture.h"
#include "preload/fork_gate.h"
#include "preload/got_patcher.h"
#include "preload/loaded_objects.h"
#include "preload/module_map.h"
#include "preload/own_memory.h"
#include "preload/python_allocator.h"
#include "preload/python_interpreter.h"
#include "preload/real_allocator.h"
#include "preload/session_client.h"

using namespace leakrank::preload;

namespace {

__attribute__((tls_model("initial-exec"))) thread_local bool t_in_hook;
std::atomic<bool> g_recording{false};
std::atomic<bool> g_start_tried{false};

// Marks the thread as inside leakrank and keeps errno as the real call left it.
class HookScope {
 public:
  HookScope() : saved_errno_(errno) { t_in_hook = true; }
  ~HookScope() {
    t_in_hook = false;
    errno = saved_errno_;
  }

 private:
  int saved_errno_;
};

// The first hook call starts recording: other libraries' constructors may allocate before ours runs.
[[gnu::noinline]] bool start_once() {
  // Read before the exchange: a process not recorded asks on every call, from every thread.
  if (g_start_tried.load(std::memory_order_relaxed) || g_start_tried.exchange(true)) return false;
  HookScope scope;
  find_python_interpreter();
  g_recording.store(start_recording(), std::memory_order_release);
  return g_recording.load(std::memory_order_relaxed);
}

bool should_record() {
  if (t_in_hook) return false;
  if (__builtin_expect(g_recording.load(std::memory_order_relaxed), true)) return true;
  return start_once();
}

// A hook's call site, for the per-thread stack cache, from the hook's own frame. This file
// is built with frame pointers: the frame holds the caller's frame pointer, then the return
// address, and the hook's frame ends above them.
CallSite call_site_of(const void* hook_frame) {
  auto words = static_cast<const uintptr_t*>(hook_frame);
  return CallSite{words[1], reinterpret_cast<uintptr_t>(words + 2)};
}

const PythonAllocator* python_wrapper(int domain);

[[gnu::noinline]] void* record_allocation(void* p, size_t size, const void* hook_frame) {
  if (!should_record()) return p;
  HookScope scope;
  record_alloc(p, size, call_site_of(hook_frame));
  // Not once detached: a call through a function pointer taken while attached still comes
  // here, and must not wrap Python's allocators again.
  if (!python_allocators_settled() && current_session()) watch_python_allocators();
  return p;
}

// Inline up to the reentrancy check; the rest is a tail call, so a hook keeps no more
// registers than the real call needs.
[[gnu::always_inline]] inline void* after_alloc(void* p, size_t size, const void* hook_frame) {
  if (!p || t_in_hook) return p;
  return record_allocation(p, size, hook_frame);
}

// Sampling decides before the real call, so an allocation it passes by is a plain tail call.
template <typename RealCall>
[[gnu::always_inline]] inline void* allocate(size_t size, const void* hook_frame, RealCall real_call) {
  if (skips_allocation(size)) return real_call();
  return after_alloc(real_call(), size, hook_frame);
}

#define HOOK_FRAME() __builtin_frame_address(0)

// Unmaps and decommits are recorded before the call, so only those it cannot refuse for
// their address: at a page start (x86-64's pages, which munmap and mprotect work in).
bool is_page_start(const void* address) { return (reinterpret_cast<uintptr_t>(address) & 4095) == 0; }

// Mappings that hold memory of the program's own, as malloc does: anonymous and private.
// A PROT_NONE one only reserves addresses, for mprotect to commit (JVMs, V8 reserve gigabytes).
bool is_anonymous_private(int flags) { return (flags & MAP_ANONYMOUS) && (flags & MAP_TYPE) == MAP_PRIVATE; }

// Allocators map memory while they hold their own locks (jemalloc's arena lock, pymalloc's
// under the GIL): a mapping hook never starts recording nor resolves the real functions,
// both of which may call dlsym, which may allocate.
bool already_recording() { return !t_in_hook && g_recording.load(std::memory_order_relaxed); }

// The real functions, if already known; the raw system calls stand in until then.
const RealAllocator* resolved_allocator() { return g_resolved_allocator.load(std::memory_order_acquire); }

// Records a change to the address space once recording runs, inside leakrank's scope. Out
// of line, so that a mapping hook that records nothing keeps no frame for it.
template <typename Record>
[[gnu::noinline]] void record_mapping_change(Record record) {
  if (!already_recording()) return;
  HookScope scope;
  record();
}

[[gnu::always_inline]] inline void* map_memory(void* address, size_t size, int prot, int flags, int fd, off_t offset,
                                               const void* hook_frame) {
  const RealAllocator* allocator = resolved_allocator();
  if (__builtin_expect(!allocator, false)) {
    return reinterpret_cast<void*>(syscall(SYS_mmap, address, size, prot, flags, fd, offset));
  }
  void* p = allocator->mmap(address, size, prot, flags, fd, offset);
  // libunwind maps its per-thread trace cache while it unwinds for us: leakrank's memory.
  if (p != MAP_FAILED && inside_fork_sensitive_call()) list_own_memory(p, size, OwnedBy::thread);
  if (t_in_hook || !is_anonymous_private(flags)) return p;
  bool reserves = prot == PROT_NONE;  // recorded always: a commit means nothing without it
  if ((!reserves && skips_allocation(size)) || p == MAP_FAILED) return p;
  if (reserves) record_mapping_change([p, size] { record_reserve(p, size); });
  else record_mapping_change([p, size, site = call_site_of(hook_frame)] { record_map(p, size, site); });
  return p;
}

[[gnu::noinline]] void record_release(void* p) {
  HookScope scope;
  record_free(p);
}

// Before the real free: once it returns, another thread may receive this address.
[[gnu::always_inline]] inline bool before_free(void* p) {
  if (skips_free(p) || !should_record()) return false;
  record_release(p);
  return true;
}

// --- Python's allocator domains (preload/python_allocator.h) ---
// The original runs inside leakrank's scope: what it takes from malloc or maps for its
// arenas is the object being recorded here, not more memory.
class InsidePythonAllocator {
 public:
  InsidePythonAllocator() : was_(t_in_hook) { t_in_hook = true; }
  ~InsidePythonAllocator() { t_in_hook = was_; }

 private:
  bool was_;
};

template <int Domain>
void* python_malloc(void* ctx, size_t size) {
  return allocate(size, HOOK_FRAME(), [&] {
    InsidePythonAllocator inside;
    return original_python_allocator(Domain).malloc(ctx, size);
  });
}

template <int Domain>
void* python_calloc(void* ctx, size_t count, size_t size) {
  return allocate(count * size, HOOK_FRAME(), [&] {
    InsidePythonAllocator inside;
    return original_python_allocator(Domain).calloc(ctx, count, size);
  });
}

template <int Domain>
void python_free(void* ctx, void* p) {
  if (p) before_free(p);
  InsidePythonAllocator inside;
  original_python_allocator(Domain).free(ctx, p);
}

// These domains are only called with the GIL held, so no other thread can be given the old
// address between the call and its records: both go after it, and a failure records nothing.
template <int Domain>
void* python_realloc(void* ctx, void* old, size_t size) {
  void* p;
  {
    InsidePythonAllocator inside;
    p = original_python_allocator(Domain).realloc(ctx, old, size);
  }
  if (!p) return p;
  if (old) before_free(old);
  return allocate(size, HOOK_FRAME(), [p] { return p; });
}

template <int Domain>
constexpr PythonAllocator kPythonWrapper = {nullptr, python_malloc<Domain>, python_calloc<Domain>,
                                            python_realloc<Domain>, python_free<Domain>};

const PythonAllocator* python_wrapper(int domain) {
  return domain == kPythonDomainMem ? &kPythonWrapper<kPythonDomainMem> : &kPythonWrapper<kPythonDomainObject>;
}

}  // namespace

void leakrank::preload::watch_python_allocators() { wrap_python_allocators_once_initialized(python_wrapper); }

namespace {

bool g_forked_with_threads = false;  // set before the fork, read in the child

void before_fork() {
  close_gate_for_fork();
  g_forked_with_threads = !__libc_single_threaded;
  copy_loaded_objects_before_fork();
}

void on_fork_child() {
  if (g_forked_with_threads) use_copied_loaded_objects();
  bool may_record = open_gate_in_child();
  restore_allocator_slots_in_child();
  if (g_recording.load(std::memory_order_relaxed)) g_recording.store(after_fork_in_child(may_record));
}

__attribute__((constructor)) void start_at_load() {
  real_allocator();
  should_record();
  pthread_atfork(before_fork, open_gate_in_parent, on_fork_child);
}

const RealAllocator& real() { return *real_allocator(); }
bool resolving() { return real_allocator() == nullptr; }

}  // namespace

extern "C" {

__attribute__((visibility("default"))) void* malloc(size_t size) {
  const RealAllocator* allocator = real_allocator();
  if (__builtin_expect(!allocator, false)) return bootstrap::allocate(size);
  return allocate(size, HOOK_FRAME(), [&] { return allocator->malloc(size); });
}

__attribute__((visibility("default"))) void free(void* p) {
  if (!p || bootstrap::owns(p)) return;
  before_free(p);
  real().free(p);
}

__attribute__((visibility("default"))) void* calloc(size_t count, size_t size) {
  const RealAllocator* allocator = real_allocator();
  if (__builtin_expect(!allocator, false)) {
    size_t bytes;
    return __builtin_mul_overflow(count, size, &bytes) ? nullptr : bootstrap::allocate(bytes);
  }
  return allocate(count * size, HOOK_FRAME(), [&] { return allocator->calloc(count, size); });
}

__attribute__((visibility("default"))) void* realloc(void* old, size_t size) {
  if (__builtin_expect(resolving(), false)) {
    void* p = bootstrap::allocate(size);
    if (p && old) memcpy(p, old, bootstrap::usable_size(old) < size ? bootstrap::usable_size(old) : size);
    return p;
  }
  if (old && bootstrap::owns(old)) {  // moving a bootstrap block into the real heap
    void* p = malloc(size);
    if (p) memcpy(p, old, bootstrap::usable_size(old) < size ? bootstrap::usable_size(old) : size);
    return p;
  }
  if (!old) return malloc(size);
  bool freed = before_free(old);
  void* p = real().realloc(old, size);
  if (p) return allocate(size, HOOK_FRAME(), [p] { return p; });
  if (freed && size != 0) after_alloc(old, real().malloc_usable_size(old), HOOK_FRAME());  // failed: still live
  return p;
}

__attribute__((visibility("default"))) void* reallocarray(void* old, size_t count, size_t size) {
  size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(old, bytes);
}

__attribute__((visibility("default"))) int posix_memalign(void** out, size_t alignment, size_t size) {
  int result = 0;
  allocate(size, HOOK_FRAME(), [&]() -> void* {
    result = real().posix_memalign(out, alignment, size);
    return result == 0 ? *out : nullptr;
  });
  return result;
}

__attribute__((visibility("default"))) void* aligned_alloc(size_t alignment, size_t size) {
  return allocate(size, HOOK_FRAME(), [&] { return real().aligned_alloc(alignment, size); });
}

__attribute__((visibility("default"))) void* memalign(size_t alignment, size_t size) {
  const RealAllocator* allocator = real_allocator();
  if (__builtin_expect(!allocator, false)) return bootstrap::allocate(size, alignment);
  return allocate(size, HOOK_FRAME(), [&] { return allocator->memalign(alignment, size); });
}

__attribute__((visibility("default"))) void* valloc(size_t size) {
  return allocate(size, HOOK_FRAME(), [&] { return real().valloc(size); });
}

__attribute__((visibility("default"))) void* pvalloc(size_t size) {
  return allocate(size, HOOK_FRAME(), [&] { return real().pvalloc(size); });
}

__attribute__((visibility("default"))) size_t malloc_usable_size(void* p) {
  if (!p) return 0;
  if (bootstrap::owns(p)) return bootstrap::usable_size(p);
  return real().malloc_usable_size(p);
}

__attribute__((visibility("default"))) void* mmap(void* address, size_t size, int prot, int flags, int fd, off_t offset) {
  return map_memory(address, size, prot, flags, fd, offset, HOOK_FRAME());
}

__attribute__((visibility("default"))) void* mmap64(void* address, size_t size, int prot, int flags, int fd,
                                                    off_t offset) {
  return map_memory(address, size, prot, flags, fd, offset, HOOK_FRAME());
}

__attribute__((visibility("default"))) int munmap(void* address, size_t size) {
  const RealAllocator* allocator = resolved_allocator();
  if (__builtin_expect(!allocator, false)) return int(syscall(SYS_munmap, address, size));
  // Before the real munmap: once it returns, another thread may map the range again.
  if (!t_in_hook && size && is_page_start(address))
    record_mapping_change([address, size] { record_unmap(address, size); });
  unlist_own_memory(address);
  return allocator->munmap(address, size);
}

__attribute__((visibility("default"))) int mprotect(void* address, size_t size, int prot) {
  const RealAllocator* allocator = resolved_allocator();
  if (__builtin_expect(!allocator, false)) return int(syscall(SYS_mprotect, address, size, prot));
  bool recorded = !t_in_hook && size;
  // A decommit before the call, as an unmap: once it returns, another thread may commit the range again.
  if (recorded && prot == PROT_NONE && is_page_start(address))
    record_mapping_change([address, size] { record_decommit(address, size); });
  int result = allocator->mprotect(address, size, prot);
  if (recorded && prot != PROT_NONE && result == 0 && !skips_allocation(size))
    record_mapping_change([address, size, site = call_site_of(HOOK_FRAME())] { record_commit(address, size, site); });
  return result;
}

// Recorded after the call, as one message: which old ranges were recorded mappings only the
// analysis knows. (Another thread that maps the freed old range before this message takes
// its number would be misread; mappings are rarely reused that fast.)
__attribute__((visibility("default"))) void* mremap(void* old_address, size_t old_size, size_t size, int flags, ...) {
  void* wanted = nullptr;
  if (flags & MREMAP_FIXED) {
    va_list arguments;
    va_start(arguments, flags);
    wanted = va_arg(arguments, void*);
    va_end(arguments);
  }
  const RealAllocator* allocator = resolved_allocator();
  if (__builtin_expect(!allocator, false)) {
    return reinterpret_cast<void*>(syscall(SYS_mremap, old_address, old_size, size, flags, wanted));
  }
  void* p = allocator->mremap(old_address, old_size, size, flags, wanted);
  if (p == MAP_FAILED) return p;
  CallSite site = call_site_of(HOOK_FRAME());
  record_mapping_change([=] { record_remap(old_address, old_size, p, size, site); });
  return p;
}

__attribute__((visibility("default"))) int dlclose(void* handle) {
  int result = real().dlclose(handle);
  if (result == 0 && should_record()) {
    HookScope scope;
    CaptureEntry entry;  // the map goes into the rings, which a detach may be giving back
    if (entry.entered()) send_module_map(true);  // addresses of the unloaded object may be reused by the next one
  }
  return result;
}

}  // extern "C"
