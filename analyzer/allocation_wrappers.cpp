#include "analyzer/allocation_wrappers.h"

#include <algorithm>
#include <iterator>
#include <cctype>
#include <string_view>

#include "analyzer/readable_names.h"

namespace leakrank {
namespace {

// Wrappers of well-known programs and libraries whose names the naming rule below misses.
constexpr std::string_view kKnownWrappers[] = {
    "AllocateHeap", "ReallocateHeap", "os::malloc", "os::realloc",  // HotSpot
    "ztrymalloc_usable", "ztrymalloc_usable_internal", "zmalloc_usable", "zcalloc_usable",  // redis
    "sqlite3DbMallocRaw", "sqlite3DbMallocRawNN", "sqlite3DbMallocZero", "sqlite3DbStrDup",  // sqlite
    "sqlite3DbStrNDup", "sqlite3MallocZero",
    "g_new0", "g_slice_alloc0", "g_memdup", "g_memdup2",  // glib
    "xmemdupz", "xmallocz", "xmallocz_gently",  // git
    "PyMem_RawMalloc",
};

// The last name of a qualified one: "os::malloc" -> "malloc".
std::string_view last_name(std::string_view name) {
  size_t colons = name.rfind("::");
  return colons == std::string_view::npos ? name : name.substr(colons + 2);
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - long(suffix.size()),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Named as allocators are: "…alloc" (malloc, calloc, realloc, zalloc, palloc), "…strdup",
// "…strndup", with a trailing count or zero as in g_malloc0 or ruby_xmalloc2 and glib's
// "_n"; or an operator new the program defines for its own classes.
bool named_as_allocator(std::string_view brief) {
  std::string_view name = last_name(brief);
  if (name.starts_with("operator new")) return true;
  if (name.ends_with("_n")) name.remove_suffix(2);  // glib's g_malloc_n, g_malloc0_n
  while (!name.empty() && std::isdigit(static_cast<unsigned char>(name.back()))) name.remove_suffix(1);
  return ends_with_ignoring_case(name, "alloc") || ends_with_ignoring_case(name, "strdup") ||
         ends_with_ignoring_case(name, "strndup");
}

}  // namespace

AllocationWrappers::AllocationWrappers(const std::vector<std::string>& patterns) {
  for (const std::string& pattern : patterns) patterns_.emplace_back(pattern, std::regex::ECMAScript);
}

std::string_view to_string(WrapperReason reason) {
  switch (reason) {
    case WrapperReason::listed: return "listed";
    case WrapperReason::named: return "named";
    case WrapperReason::pattern: return "pattern";
    case WrapperReason::detected: return "detected";
    case WrapperReason::none: break;
  }
  return "none";
}

WrapperReason AllocationWrappers::reason(const Frame& frame) {
  auto [slot, inserted] = decided_.try_emplace(frame.function, WrapperReason::none);
  if (inserted) slot->second = decide(frame.function);
  return slot->second;
}

WrapperReason AllocationWrappers::decide(const std::string& function) const {
  const std::string brief_name = brief_function_name(function);
  if (brief_name.empty() || brief_name == "??") return WrapperReason::none;
  if (std::find(std::begin(kKnownWrappers), std::end(kKnownWrappers), brief_name) != std::end(kKnownWrappers))
    return WrapperReason::listed;
  if (named_as_allocator(brief_name)) return WrapperReason::named;
  auto matches = [&](const std::regex& pattern) {
    return std::regex_match(brief_name, pattern) || std::regex_match(function, pattern);
  };
  return std::any_of(patterns_.begin(), patterns_.end(), matches) ? WrapperReason::pattern : WrapperReason::none;
}

}  // namespace leakrank
