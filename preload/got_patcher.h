#pragma once
// Hooking a process that is already running: LD_PRELOAD came too late, so the GOT slots
// through which every loaded object calls the malloc family are pointed at leakrank's hooks,
// and put back exactly on detach. Malloc-free; safe to call while other threads run.
namespace leakrank::preload {

// Patches the objects not patched yet (all of them on the first call). Returns the number
// of slots now pointing at the hooks, or -1 when leakrank's own hooks cannot be found.
int patch_allocator_slots();
// Puts every patched slot of objects still loaded back to the value it had.
void restore_allocator_slots();
bool allocator_slots_patched();  // attached: the hooks are reached through patched slots
// A fork child of an attached process runs natively: only the process attached to is recorded.
void restore_allocator_slots_in_child();
// While attached: patches objects that dlopen loaded since the last call (cheap when none).
// dlopen itself is not wrapped, since a wrapper changes whose RUNPATH the loader searches.
void patch_objects_loaded_since();

}  // namespace leakrank::preload
