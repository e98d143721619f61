#pragma once
// C++ names as people write them. The demangler spells out every template argument, so
// `std::string_view` reads `std::basic_string_view<char, std::char_traits<char> >` and a
// hash map fills a line; debuggers and profilers print the short forms instead.
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/text_fit.h"

namespace leakrank {

// The demangled name with the standard library's spelled-out types shortened:
// basic_string/basic_string_view/stream instantiations become std::string, std::wostream
// and so on, default allocator, comparator, hash and deleter arguments of the standard
// containers are dropped, `std::__cxx11::` becomes `std::`, `[abi:cxx11]` goes and `> >`
// closes as `>>`. Anything it does not recognise is kept as it was. Linear in the input
// in practice, never recursive: names come from whatever binary was profiled.
// Also one spelling for what compilers spell several ways: GCC's clone suffixes go
// ("f(int) [clone .isra.0]" and "f.part.0" are f), lambdas read "{lambda(int)}" and unnamed
// types "{unnamed type}" whether the demangler or the debug info named them, and the random
// engines take their standard names (std::mt19937_64). Every report, plot, diff and export
// shows names made here, and sites are keyed by them.
std::string readable_function_name(std::string_view demangled);

// The qualified name alone: no return type, template arguments, parameters or
// qualifiers or symbol version. "std::pair<…> std::unordered_map<…>::try_emplace<…>(…)"
// reads "std::unordered_map::try_emplace"; "operator new(unsigned long)" reads "operator new".
std::string brief_function_name(std::string_view function);

// Ever shorter forms of a readable name, for a column or a legend too narrow for it: the
// name itself; without its return type and with template arguments collapsed
// ("Sampler<>::draw_batch(std::mt19937_64&)"); without parameters ("Sampler<>::draw_batch");
// its last two scopes ("…::Store::intern").
std::vector<std::string> shorter_function_names(std::string_view readable);

// The longest of those forms that fits, or the shortest cut in the middle.
std::string fit_function_name(std::string_view readable, const Fits& fits);

}  // namespace leakrank
