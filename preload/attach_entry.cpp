// The entry points `leakrank attach` calls inside a running process: start recording into
// the session it created and route the malloc family to the hooks; later, undo both. The
// result goes to *result: the call returns through rt_sigreturn, which restores rax.
#include "preload/attach_entry.h"

#include <cstdint>

#include "preload/attach_lifetime.h"

using namespace leakrank::preload;

extern "C" {

__attribute__((visibility("default"))) void leakrank_attach(const char* session_name, int64_t* result) {
  *result = int64_t(begin_attachment(session_name));
}

__attribute__((visibility("default"))) void leakrank_detach(int64_t* result) {
  end_attachment(false);
  *result = 0;
}

}  // extern "C"
