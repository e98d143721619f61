#pragma once
// The loader's list of objects, for a fork child that may not read it. glibc's fork does not
// reset the lock dl_iterate_phdr holds, so the child of a parent whose other thread was
// walking the list (libunwind, a backtrace, a JIT) would wait forever on its first unwind.
// libleakrank.so exports dl_iterate_phdr, so libunwind's lookups come here: they pass through
// to the loader, except in such a child, which walks a copy taken just before its fork.
#include <link.h>

namespace leakrank::preload {

void copy_loaded_objects_before_fork();  // prepare handler
void use_copied_loaded_objects();        // child handler, when the parent ran other threads

// leakrank's own walks of the list (dl_iterate_phdr's callback and result): over the copy in
// such a child, and not at all while a fork is being prepared, so that no fork ever leaves
// the loader's lock held by a walk of ours. False when it did not walk.
bool walk_loaded_objects(int (*callback)(dl_phdr_info*, size_t, void*), void* data);
// The same walk where no fork can begin meanwhile (a fork child; every other thread stopped).
int iterate_loaded_objects(int (*callback)(dl_phdr_info*, size_t, void*), void* data);

}  // namespace leakrank::preload
