#pragma once
// When leakrank's memory in the target may go. A detach (or a recorder found dead) closes
// capture; threads that were inside it at that instant, stopped mid-event or napping on a full
// ring, still use their stack cache, the stack table and the session's rings, so each of those
// goes only once no thread can touch it any more:
// - a thread's stack cache at once if its owner is outside capture (every blocked thread),
//   else by the owner itself as it leaves;
// - the shared mappings handed to close_capture when the last thread found inside has left.
// Entering and leaving cost two plain stores and two loads: the closing thread makes up for
// the missing fences with membarrier (or, where that is refused, every entry fences).
#include <cstddef>

namespace leakrank::preload {

struct ThreadSlot;

// The calling thread is inside capture while this lives. entered() is false once capture is
// closed: the event is then not recorded, and nothing of leakrank's may be touched.
class CaptureEntry {
 public:
  CaptureEntry();
  ~CaptureEntry();
  CaptureEntry(const CaptureEntry&) = delete;
  CaptureEntry& operator=(const CaptureEntry&) = delete;
  bool entered() const { return entered_; }

 private:
  ThreadSlot* slot_;
  bool entered_;
};

struct Mapping {
  void* address = nullptr;
  size_t bytes = 0;
};

void open_capture();  // a session connected
// Closes capture and gives back every thread's stack cache and the given mappings, each as
// soon as no thread can touch it. Malloc-free; other threads may run.
void close_capture(const Mapping* shared, int count);
// Fork child handler: only the forking thread lives on, inside one of leakrank's calls only
// if the fork came from a signal handler that interrupted one.
void close_capture_in_child(const Mapping* shared, int count, bool forked_inside_call);

}  // namespace leakrank::preload
