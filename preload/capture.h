#pragma once
// Capture: turns one allocator call into ring messages (the stack once, then small events).
#include <cstddef>
#include <cstdint>

#include "preload/allocation_sampler.h"
#include "preload/capture_gate.h"
#include "preload/stack_capture.h"

namespace leakrank::preload {

struct CaptureConfig {
  int max_depth = 64;
  uint64_t sample_bytes = 0;  // 0: every allocation
};

bool init_capture(const CaptureConfig& config);  // again after end_capture: new tables
// Detach, or a recorder found dead: no event starts any more, and every stack cache, the
// stack and sampling tables and `session` are unmapped as soon as no thread is inside an
// event (capture_gate.h). init_capture starts anew.
void end_capture(Mapping session);
// The same in a fork child, where only the forking thread lives on.
void end_capture_in_child(Mapping session, bool forked_inside_call);

extern AllocationSampler g_sampler;

// Whether an allocation of this size, or a free of this address, goes unrecorded because
// sampling passed it by. Asked before the real call: in sampling mode nearly every call is
// answered here and the hook ends in a tail call, with no frame and no other work.
inline bool skips_allocation(size_t size) { return g_sampler.enabled() && !g_sampler.should_sample(size); }
inline bool skips_free(const void* address) { return g_sampler.enabled() && !g_sampler.may_hold(address); }

// Call when skips_allocation() said no, after the real allocation returned, so another
// thread's earlier free of the same address takes an earlier sequence number.
void record_alloc(void* address, size_t size, const CallSite& site);
// Call when skips_free() said no, before the real free, for the same reason.
void record_free(void* address);

// Anonymous private mappings the program makes and unmakes, ordered among themselves
// (transport/ordering.h): a map after the real call, an unmap before it; a remap moves
// or resizes a range, which counts only if the range was a recorded mapping.
void record_map(void* address, size_t size, const CallSite& site);
void record_remap(void* old_address, size_t old_size, void* address, size_t size, const CallSite& site);
void record_unmap(void* address, size_t size);

// Anonymous memory that mprotect turns on and off inside a reservation (JVMs, V8 reserve
// gigabytes PROT_NONE and commit pages as their heaps grow): the reservation, recorded
// always, since a commit means nothing without it; a commit after the real call, with its
// stack; a decommit before it, as an unmap. Only the analysis knows which pages they touch.
void record_reserve(void* address, size_t size);
void record_commit(void* address, size_t size, const CallSite& site);
void record_decommit(void* address, size_t size);

// The first event of an image that replaced another in the same process (execve).
void record_exec();

}  // namespace leakrank::preload
