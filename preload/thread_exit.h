#pragma once
// What a thread takes for itself (a ring of its own, its thread slot and stack cache of 268
// KiB) goes back when it ends, from a thread-specific-data destructor. Every thread that
// records registers, not only those that got a ring: a program that runs thousands of
// threads would otherwise leave a stack cache mapped for each.
namespace leakrank::preload {

// Once per process, before its threads record: makes the key. Not lazily on a thread's
// first event: a fork in the middle of making it would leave the child's threads waiting.
void prepare_thread_exit();
// The calling thread's ring and stack cache are handed back when it exits. Cheap once done.
void clean_up_at_thread_exit();

}  // namespace leakrank::preload
