#pragma once
// Allocation wrappers: functions that allocate on behalf of whoever calls them (git's
// xmalloc, perl's Perl_safesysmalloc, redis' zmalloc, sqlite3Malloc, ngx_palloc, g_malloc,
// CRYPTO_zalloc, the JVM's os::malloc). Taken as the site, each would gather every
// allocation of its program into one row: a site is the first frame past them instead.
#include <absl/container/flat_hash_map.h>

#include <regex>
#include <string>
#include <vector>

#include "analyzer/symbolizer.h"

namespace leakrank {

class AllocationWrappers {
 public:
  // patterns: more wrappers (--wrapper), ECMAScript regular expressions that must match a
  // function's whole brief name ("os::malloc", "MyPool::get"). Throws std::regex_error.
  explicit AllocationWrappers(const std::vector<std::string>& patterns = {});

  // Known by name (a built-in list), named as an allocator is ("…alloc", "…strdup", an
  // "operator new" of the program's own), or matched by a pattern. Inlined frames too: a
  // wrapper inlined into two callers must not merge them into one site.
  bool is_wrapper(const Frame& frame);

 private:
  bool decide(const std::string& brief_name) const;

  std::vector<std::regex> patterns_;
  absl::flat_hash_map<std::string, bool> decided_;  // by function, as symbolized
};

}  // namespace leakrank
