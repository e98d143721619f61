#include "preload/capture.h"

#include <atomic>
#include <cstring>

#include "preload/allocation_sampler.h"
#include "preload/attach_lifetime.h"
#include "preload/got_patcher.h"
#include "preload/module_map.h"
#include "preload/python_frames.h"
#include "preload/stack_capture.h"
#include "preload/stack_table.h"
#include "preload/thread_ring.h"
#include "transport/ordering.h"
#include "transport/wire_event.h"

namespace leakrank::preload {
namespace {

StackTable g_stacks;
std::atomic<uint64_t> g_table_resets{0};
int g_max_depth = 64;

__attribute__((tls_model("initial-exec"))) thread_local uint32_t t_allocations;

constexpr size_t kIpsPerSlot = sizeof(wire::Event) / sizeof(uint64_t);

size_t stack_slots(int depth) {
  return wire::message_slots(wire::Event{0, 0, uint64_t(depth), 0, wire::EventKind::stack, {}});
}

void write_stack(RingWriter& writer, uint32_t id, const uintptr_t* ips, int depth) {
  writer.slot(0) = wire::Event{writer.sequence(0), 0, uint64_t(depth), id, wire::EventKind::stack, {}};
  for (size_t s = 1; s < stack_slots(depth); ++s) {
    uint64_t chunk[kIpsPerSlot] = {};
    for (size_t i = 0; i < kIpsPerSlot; ++i) {
      size_t frame = (s - 1) * kIpsPerSlot + i;
      if (frame < size_t(depth)) chunk[i] = ips[frame];
    }
    memcpy(&writer.slot(s), chunk, sizeof chunk);
  }
}

// The stack an event names: the id the table gave it, or none yet and the hash to insert it by.
struct StackKey {
  uint32_t id = StackTable::kNoId;
  uint64_t hash = 0;
};

// Python frames make a stack that the native chain's cached id does not name. Its hash is
// the native chain's (kept with the cached chain) extended by the Python frames' words, so
// a stack seen before is found without merging or hashing its native frames again.
StackKey stack_key(const CapturedStack& stack, const uintptr_t* python, int python_depth, uint64_t epoch) {
  uint64_t seed = module_generation();
  if (python_depth == 0)
    if (uint32_t id = cached_stack_id(stack, epoch); id != StackTable::kNoId) return {id, 0};
  uint64_t hash = stack_hash(stack, seed);
  if (python_depth > 0) hash = hash_stack(python, python_depth, hash);
  if (uint32_t id = recent_stack_id(stack, hash, epoch); id != StackTable::kNoId) return {id, hash};
  uint32_t id = g_stacks.find(hash);
  remember_recent_stack_id(stack, hash, id, epoch);
  return {id, hash};
}

// Every event is captured inside the gate: the stack cache, the stack and sampling tables and
// the rings stay mapped until it is done. Nothing is touched once capture is closed.
template <typename Capture>
void inside_capture(Capture capture) {
  CaptureEntry entry;
  if (entry.entered()) capture();
}

// The stack goes first, in the same message, when this thread is the one to define it.
void record_with_stack(wire::EventKind kind, void* address, size_t size, const CallSite& site,
                       const wire::Event* extra = nullptr) {
  uintptr_t scratch[kMaxStackDepth];
  CapturedStack stack = capture_stack(site, scratch, g_max_depth);
  uintptr_t python[kMaxStackDepth];
  int python_depth = read_python_frames(python, g_max_depth);
  // An id is only good for the table and module generation that issued it.
  uint64_t epoch = (module_generation() << 20) + g_table_resets.load(std::memory_order_acquire) + 1;
  StackKey key = stack_key(stack, python, python_depth, epoch);
  // Python's frames are in no module: only the native ones may need the map refreshed.
  if (key.id == StackTable::kNoId) refresh_module_map_if_unknown(stack.ips, stack.depth);
  const uintptr_t* ips = stack.ips;
  int depth = stack.depth;
  uintptr_t merged[kMaxStackDepth];
  if (key.id == StackTable::kNoId && python_depth > 0) {
    depth = merge_python_frames(stack.ips, stack.depth, python, python_depth, merged, kMaxStackDepth);
    ips = merged;
  }
  size_t event_slots = extra ? 2 : 1;
  RingWriter writer;
  if (!writer.begin(event_slots + (key.id == StackTable::kNoId ? stack_slots(depth) : 0))) return;
  size_t used = 0;
  uint32_t id = key.id;
  if (id == StackTable::kNoId) {
    // A thread that loses the race to insert uses the id at once; the recorder holds its
    // event back until the winner's stack message has arrived.
    StackTable::Lookup lookup = g_stacks.find_or_insert(key.hash);
    if (lookup.inserted || lookup.id == StackTable::kNoId) {
      write_stack(writer, lookup.id, ips, depth);  // id 0 (table full): "the stack just before"
      used = stack_slots(depth);
    }
    id = lookup.id;
    remember_recent_stack_id(stack, key.hash, id, epoch);
  }
  if (python_depth == 0) remember_stack_id(stack, id, epoch);
  uint64_t at = reinterpret_cast<uint64_t>(address);
  writer.slot(used) = wire::Event{writer.sequence(order_stripe(kind, at)), at, uint64_t(size), id, kind, {}};
  if (extra) writer.slot(used + 1) = *extra;
  writer.commit(used + event_slots);
}

void record_plain(wire::EventKind kind, void* address, size_t size) {
  RingWriter writer;
  if (!writer.begin(1)) return;
  uint64_t at = reinterpret_cast<uint64_t>(address);
  writer.slot(0) = wire::Event{writer.sequence(order_stripe(kind, at)), at, uint64_t(size), 0, kind, {}};
  writer.commit(1);
}

}  // namespace

AllocationSampler g_sampler;

bool init_capture(const CaptureConfig& config) {
  g_max_depth = config.max_depth < 1 ? 1 : (config.max_depth > kMaxStackDepth ? kMaxStackDepth : config.max_depth);
  init_stack_capture();
  g_table_resets.fetch_add(1, std::memory_order_acq_rel);  // ids cached for the old table mean nothing now
  return g_stacks.init() && g_sampler.init(config.sample_bytes);
}

namespace {

// What capture mapped for the whole process, with the session it wrote to.
constexpr int kSharedMappings = 4;
void shared_mappings(Mapping session, Mapping (&out)[kSharedMappings]) {
  out[0] = session;
  out[1] = {g_stacks.memory().mapping(), g_stacks.memory().mapping_bytes()};
  out[2] = {g_sampler.memory().mapping(), g_sampler.memory().mapping_bytes()};
  out[3] = take_python_code_table();
}

}  // namespace

void end_capture(Mapping session) {
  Mapping shared[kSharedMappings];
  shared_mappings(session, shared);
  close_capture(shared, kSharedMappings);
}

void end_capture_in_child(Mapping session, bool forked_inside_call) {
  Mapping shared[kSharedMappings];
  shared_mappings(session, shared);
  close_capture_in_child(shared, kSharedMappings, forked_inside_call);
}

void record_alloc(void* address, size_t size, const CallSite& site) {
  // attach: patch objects dlopen'ed since. Sampled allocations are rare enough to check each.
  if (g_sampler.enabled() || (++t_allocations & 4095) == 0) {
    end_attachment_if_recorder_gone();
    patch_objects_loaded_since();
  }
  inside_capture([&] {
    if (g_sampler.enabled() && !g_sampler.remember(address)) return;
    record_with_stack(wire::EventKind::alloc, address, size, site);
  });
}

void record_map(void* address, size_t size, const CallSite& site) {
  inside_capture([&] { record_with_stack(wire::EventKind::map, address, size, site); });
}

void record_remap(void* old_address, size_t old_size, void* address, size_t size, const CallSite& site) {
  wire::Event old_range{0, reinterpret_cast<uint64_t>(old_address), old_size, 0, wire::EventKind::remap, {}};
  inside_capture([&] { record_with_stack(wire::EventKind::remap, address, size, site, &old_range); });
}

void record_unmap(void* address, size_t size) {
  inside_capture([&] { record_plain(wire::EventKind::unmap, address, size); });
}

void record_reserve(void* address, size_t size) {
  inside_capture([&] { record_plain(wire::EventKind::reserve, address, size); });
}

void record_commit(void* address, size_t size, const CallSite& site) {
  inside_capture([&] { record_with_stack(wire::EventKind::commit, address, size, site); });
}

void record_decommit(void* address, size_t size) {
  inside_capture([&] { record_plain(wire::EventKind::decommit, address, size); });
}

void record_exec() {
  inside_capture([] { record_plain(wire::EventKind::exec, nullptr, 0); });
}

void record_free(void* address) {
  inside_capture([&] {
    if (g_sampler.enabled() && !g_sampler.forget(address)) return;
    record_plain(wire::EventKind::free, address, 0);
  });
}

}  // namespace leakrank::preload
