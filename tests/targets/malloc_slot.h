// Whether this program's malloc GOT slot points at libleakrank's hook, read without timing
// anything: taking malloc's address in a PIE reads that very slot. Targets write the answer
// to a file ("hooked" or "native") whenever it changes, for a test to read.
#pragma once
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void* malloc_slot(void) {
  void* (*volatile slot)(size_t) = malloc;
  __asm__ volatile("" ::: "memory");
  return (void*)slot;
}

static int malloc_hooked(void) {
  Dl_info info;
  return dladdr(malloc_slot(), &info) && info.dli_fname && strstr(info.dli_fname, "libleakrank");
}

// Readers see the old text or the new, never an empty file.
static void write_state_file(const char* path, const char* text) {
  char temporary[4096];
  snprintf(temporary, sizeof temporary, "%s.new", path);
  FILE* out = fopen(temporary, "w");
  if (!out) return;
  fputs(text, out);
  fclose(out);
  rename(temporary, path);
}
