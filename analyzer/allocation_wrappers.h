#pragma once
// Allocation wrappers: functions that allocate on behalf of whoever calls them (git's
// xmalloc, perl's Perl_safesysmalloc, redis' zmalloc, sqlite3Malloc, ngx_palloc, g_malloc,
// CRYPTO_zalloc, the JVM's os::malloc). Taken as the site, each would gather every
// allocation of its program into one row: a site is the first frame past them instead.
#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/symbolizer.h"

namespace leakrank {

// How a function came to be taken for a wrapper; none: it is not one.
enum class WrapperReason : uint8_t {
  none,
  listed,    // on the built-in list of well-known wrappers
  named,     // named as allocators are
  pattern,   // matched by --wrapper or --wrappers-from
  detected,  // found from the recording's stacks (analyzer/detected_wrappers.h)
};
std::string_view to_string(WrapperReason reason);

class AllocationWrappers {
 public:
  // patterns: more wrappers (--wrapper), ECMAScript regular expressions; one must match a
  // whole name: the brief one ("os::malloc", "MyPool::get") or the name as reports print it
  // ("MyPool::get(unsigned long)", "prog+0x1a2b" for a frame without a symbol).
  // Throws std::regex_error.
  explicit AllocationWrappers(const std::vector<std::string>& patterns = {});

  // Known by name (a built-in list), named as an allocator is ("…alloc", "…strdup", an
  // "operator new" of the program's own), or matched by a pattern. Inlined frames too: a
  // wrapper inlined into two callers must not merge them into one site.
  WrapperReason reason(const Frame& frame);
  bool is_wrapper(const Frame& frame) { return reason(frame) != WrapperReason::none; }

 private:
  WrapperReason decide(const std::string& function) const;

  std::vector<std::regex> patterns_;
  absl::flat_hash_map<std::string, WrapperReason> decided_;  // by function, as symbolized
};

}  // namespace leakrank
