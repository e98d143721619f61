#pragma once
// Memory the library maps for itself inside the target, listed in the ledger the recorder
// reads (transport/own_memory_ledger.h) so that it does not count as the program's RSS.
// Malloc-free and lock-free: a thread's first allocation maps its stack cache.
#include <cstddef>
#include <cstdint>

namespace leakrank::preload {

enum class OwnedBy { process, thread };

// Anonymous private read-write memory, listed; nullptr when it cannot be mapped.
// noreserve: pages are committed only as they are touched (the stack table's 32 MiB).
void* map_own_memory(size_t bytes, OwnedBy owner, bool noreserve = false);
void unmap_own_memory(void* memory, size_t bytes);

// A mapping made on leakrank's behalf by a library it calls (libunwind's trace cache, which
// it frees when the calling thread exits, where leakrank may no longer see it: the recorder
// drops a thread's entries once the thread is gone).
void list_own_memory(void* memory, size_t bytes, OwnedBy owner);
// Every munmap goes through here: a range that leaves, leaves the ledger.
void unlist_own_memory(void* memory);

// Where the ledger lives in this process: the session names it for the recorder.
uint64_t own_memory_ledger_address();

}  // namespace leakrank::preload
