#pragma once
// What `leakrank attach` calls inside the target, through ptrace, once dlopen has loaded the
// library there. Both run on one thread while every other thread is stopped.
#include "preload/session_client.h"

namespace leakrank::preload {

// void leakrank_attach(const char* session_name, int64_t* result): result is an AttachResult
constexpr const char* kAttachSymbol = "leakrank_attach";
constexpr const char* kDetachSymbol = "leakrank_detach";  // void leakrank_detach(int64_t* result)

}  // namespace leakrank::preload
