#pragma once
// libunwind's fast unwinder (unw_backtrace) keeps a trace cache per thread: 256 KiB, every
// page written, made on the thread's first unwind and given back only when the thread exits.
// A detach gives it back as it does leakrank's own stack cache (capture_gate.h): libunwind
// finds it through one pointer in the thread's TLS block for libunwind, which each slot
// records; released, that pointer is cleared, and the thread's next unwind makes a new cache.
// When the program loaded libunwind itself, its own unwinds may use that cache at any time:
// it is then left alone.
namespace leakrank::preload {

struct ThreadSlot;

void find_unwinder_tls();                    // with init_stack_capture: libunwind's TLS module
void note_unwinder_cache(ThreadSlot& slot);  // after a fast unwind on the calling thread
// The slot's trace cache, its owner outside capture or gone (fork child). Exactly one caller
// releases it; a thread exiting waits for a release under way (its TLS block goes next).
void release_unwinder_cache(ThreadSlot& slot);
void forget_unwinder_cache(ThreadSlot& slot);  // thread exit: libunwind frees it itself

}  // namespace leakrank::preload
