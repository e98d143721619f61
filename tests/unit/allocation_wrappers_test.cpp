#include "analyzer/allocation_wrappers.h"

#include <doctest/doctest.h>

namespace leakrank {
namespace {

bool wraps(AllocationWrappers& wrappers, const char* function) { return wrappers.is_wrapper(Frame{.function = function}); }

TEST_CASE("wrappers named as allocators are, in C and C++") {
  AllocationWrappers wrappers;
  for (const char* name : {"xmalloc", "xcalloc", "xrealloc", "xstrdup", "g_malloc0", "g_malloc_n", "ruby_xmalloc2",
                           "Perl_safesysmalloc", "zmalloc", "ngx_palloc", "ngx_pnalloc", "CRYPTO_zalloc",
                           "sqlite3Malloc", "_PyObject_Malloc", "os::malloc(unsigned long, MEMFLAGS)",
                           "Arena::alloc(unsigned long)", "CHeapObj::operator new(unsigned long)"})
    CHECK_MESSAGE(wraps(wrappers, name), name);
}

TEST_CASE("well-known wrappers whose names do not say so") {
  AllocationWrappers wrappers;
  for (const char* name : {"AllocateHeap", "ztrymalloc_usable", "sqlite3DbMallocRawNN", "g_slice_alloc0"})
    CHECK_MESSAGE(wraps(wrappers, name), name);
}

TEST_CASE("the code that asks for memory is no wrapper") {
  AllocationWrappers wrappers;
  for (const char* name : {"StringStore::intern(std::string_view)", "main", "remember_name", "allocate_at_depth",
                           "std::vector<int>::push_back(int const&)", "??", ""})
    CHECK_FALSE_MESSAGE(wraps(wrappers, name), name);
}

TEST_CASE("--wrapper patterns match the whole brief name") {
  AllocationWrappers wrappers({"Pool::take", "my_.*_get"});
  CHECK(wraps(wrappers, "Pool::take(unsigned long)"));
  CHECK(wraps(wrappers, "my_buffer_get"));
  CHECK_FALSE(wraps(wrappers, "Pool::take_all()"));
  CHECK_THROWS_AS(AllocationWrappers({"("}), std::regex_error);
}

}  // namespace
}  // namespace leakrank
