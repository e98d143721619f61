#include "preload/module_map.h"

#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <unistd.h>

#include <time.h>

#include <atomic>
#include <cstring>

#include "preload/loaded_objects.h"
#include "preload/load_span.h"
#include "preload/payload_writer.h"
#include "preload/thread_ring.h"
#include "transport/wire_event.h"

namespace leakrank::preload {
namespace {

constexpr int kMaxModules = 1024;

struct LoadedModule {
  const char* path;
  size_t path_size;
  const unsigned char* build_id;
  uint32_t build_id_size;
  uintptr_t start, end, load_bias;
};

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
LoadedModule g_modules[kMaxModules];
int g_module_count = 0;
char g_exe_path[4096];

// Ranges of the last map sent, read without the lock by module_map_covers().
struct Range {
  std::atomic<uintptr_t> start, end;
};
Range g_ranges[kMaxModules];
std::atomic<int> g_range_count{0};
std::atomic<uint64_t> g_last_refresh_ns{0};
std::atomic<bool> g_stale{false};  // a fork kept the last reading from happening
constexpr uint64_t kRefreshGapNs = 20'000'000;  // JIT code never maps to a module: bound the rescans

const char* executable_path() {
  if (!g_exe_path[0]) {
    ssize_t n = readlink("/proc/self/exe", g_exe_path, sizeof g_exe_path - 1);
    g_exe_path[n > 0 ? n : 0] = '\0';
  }
  return g_exe_path;
}

void find_build_id(const dl_phdr_info* info, LoadedModule& module) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    auto* at = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const unsigned char* end = at + ph.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const unsigned char* name = at + sizeof(ElfW(Nhdr));
      const unsigned char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (desc + note->n_descsz > end) break;
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
        module.build_id = desc;
        module.build_id_size = note->n_descsz;
        return;
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
}

int collect_module(dl_phdr_info* info, size_t, void* data) {
  int& count = *static_cast<int*>(data);
  if (count >= kMaxModules) return 1;
  LoadSpan span = load_span(info);
  if (span.empty()) return 0;
  LoadedModule module{};
  module.start = span.start;
  module.end = span.end;
  module.load_bias = info->dlpi_addr;
  // The main program reports an empty name.
  module.path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : executable_path();
  module.path_size = strlen(module.path);
  find_build_id(info, module);
  g_modules[count++] = module;
  return 0;
}

void send_module(const LoadedModule& module) {
  wire::ModuleWire header{module.start, module.end, module.load_bias, module.build_id_size, uint32_t(module.path_size)};
  std::initializer_list<PayloadPiece> pieces = {
      bytes_of(header), {module.build_id, module.build_id_size},
      {reinterpret_cast<const unsigned char*>(module.path), module.path_size}};
  size_t payload = payload_bytes(pieces);
  size_t slots = 1 + wire::payload_slots(payload);
  RingWriter writer;
  if (!writer.begin(slots)) return;
  writer.slot(0) = wire::Event{writer.sequence(0), 0, payload, 0, wire::EventKind::module, {}};
  write_payload(writer, 1, pieces);
  writer.commit(slots);
}

void publish_ranges() {
  for (int i = 0; i < g_module_count; ++i) {
    g_ranges[i].start.store(g_modules[i].start, std::memory_order_relaxed);
    g_ranges[i].end.store(g_modules[i].end, std::memory_order_relaxed);
  }
  g_range_count.store(g_module_count, std::memory_order_release);
}

// Reads the loaded objects afresh, unless a fork is being prepared: then the last list stands
// and the next unknown stack asks again.
bool collect_modules() {
  int count = 0;
  if (!walk_loaded_objects(collect_module, &count)) return false;
  g_module_count = count;
  return true;
}

void send_collected_modules() {
  RingWriter writer;
  if (writer.begin(1)) {
    writer.slot(0) = wire::Event{writer.sequence(0), 0, uint64_t(g_module_count), 0, wire::EventKind::module_map_begin, {}};
    writer.commit(1);
    for (int i = 0; i < g_module_count; ++i) send_module(g_modules[i]);
  }
  publish_ranges();
}

}  // namespace

void send_module_map(bool after_unload) {
  pthread_mutex_lock(&g_lock);
  if (after_unload) detail::g_module_generation.fetch_add(1, std::memory_order_acq_rel);
  bool collected = collect_modules();
  if (collected) send_collected_modules();
  g_stale.store(!collected, std::memory_order_relaxed);
  pthread_mutex_unlock(&g_lock);
}

void resend_module_map_after_fork() {
  pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
  g_lock = fresh;  // a thread that held it does not exist in the child
  send_collected_modules();
}

namespace {
bool module_map_covers(const uintptr_t* ips, int depth) {
  int count = g_range_count.load(std::memory_order_acquire);
  for (int d = 0; d < depth; ++d) {
    bool found = false;
    for (int i = 0; i < count && !found; ++i)
      found = ips[d] >= g_ranges[i].start.load(std::memory_order_relaxed) &&
              ips[d] < g_ranges[i].end.load(std::memory_order_relaxed);
    if (!found) return false;
  }
  return true;
}

}  // namespace

void refresh_module_map_if_unknown(const uintptr_t* ips, int depth) {
  if (!g_stale.load(std::memory_order_relaxed) && module_map_covers(ips, depth)) return;
  timespec coarse;  // a cheap clock is enough to space out rescans
  clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
  uint64_t now_ns = uint64_t(coarse.tv_sec) * 1'000'000'000u + uint64_t(coarse.tv_nsec);
  uint64_t last = g_last_refresh_ns.load(std::memory_order_relaxed);
  if (now_ns - last < kRefreshGapNs) return;
  if (!g_last_refresh_ns.compare_exchange_strong(last, now_ns)) return;
  send_module_map(false);
}

}  // namespace leakrank::preload
