#include <doctest/doctest.h>

#include "analyzer/jit_symbols.h"

using namespace leakrank;

TEST_CASE("perf map lines name the code they cover; a later line for the same place replaces it") {
  JitSymbols jit;
  jit.add_lines("18c4000 300 Builtin:DeoptimizationEntry_Eager\n7f00 10 LazyCompile:*fill app.js:3\nnot a line\n");
  REQUIRE(jit.name_of(0x18c4000));
  CHECK(*jit.name_of(0x18c42ff) == "Builtin:DeoptimizationEntry_Eager");
  CHECK_FALSE(jit.name_of(0x18c4300));
  CHECK(*jit.name_of(0x7f08) == "LazyCompile:*fill app.js:3");
  jit.add_lines("7f04 8 LazyCompile:*grow app.js:9\n");  // recompiled over part of it
  CHECK(*jit.name_of(0x7f08) == "LazyCompile:*grow app.js:9");
  CHECK_FALSE(jit.name_of(0x7f00));  // the old code is gone as a whole
  CHECK_FALSE(jit.name_of(0x1000));
}
