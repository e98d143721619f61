#pragma once
// The loader's list of objects, for a fork child that may not read it. glibc's fork does not
// reset the lock dl_iterate_phdr holds, so the child of a parent whose other thread was
// walking the list (libunwind, a backtrace, a JIT) would wait forever on its first unwind.
// libleakrank.so exports dl_iterate_phdr, so libunwind's lookups come here: they pass through
// to the loader, except in such a child, which walks a copy taken just before its fork.
namespace leakrank::preload {

void copy_loaded_objects_before_fork();  // prepare handler
void use_copied_loaded_objects();        // child handler, when the parent ran other threads

}  // namespace leakrank::preload
