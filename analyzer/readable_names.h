#pragma once
// C++ names as people write them. The demangler spells out every template argument, so
// `std::string_view` reads `std::basic_string_view<char, std::char_traits<char> >` and a
// hash map fills a line; debuggers and profilers print the short forms instead.
#include <string>
#include <string_view>

namespace leakrank {

// The demangled name with the standard library's spelled-out types shortened:
// basic_string/basic_string_view/stream instantiations become std::string, std::wostream
// and so on, default allocator, comparator, hash and deleter arguments of the standard
// containers are dropped, `std::__cxx11::` becomes `std::`, `[abi:cxx11]` goes and `> >`
// closes as `>>`. Anything it does not recognise is kept as it was. Linear in the input
// in practice, never recursive: names come from whatever binary was profiled.
std::string readable_function_name(std::string_view demangled);

// The qualified name alone: no return type, template arguments, parameters or
// qualifiers or symbol version. "std::pair<…> std::unordered_map<…>::try_emplace<…>(…)"
// reads "std::unordered_map::try_emplace"; "operator new(unsigned long)" reads "operator new".
std::string brief_function_name(std::string_view function);

}  // namespace leakrank
