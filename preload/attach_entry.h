#pragma once
// What `leakrank attach` calls inside the target, through ptrace, once dlopen has loaded the
// library there. Both run on one thread while every other thread is stopped.
#include "preload/session_client.h"

namespace leakrank::preload {

constexpr const char* kAttachSymbol = "leakrank_attach";  // int leakrank_attach(const char* session_name)
constexpr const char* kDetachSymbol = "leakrank_detach";  // int leakrank_detach(void)

}  // namespace leakrank::preload
