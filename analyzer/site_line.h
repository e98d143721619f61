#pragma once
// A site or frame on one line of text, "function  file:line", fitted to a width: the report's
// table and stacks and run's summary write them alike.
#include <cstdint>
#include <string>
#include <string_view>

#include "analyzer/analysis.h"
#include "analyzer/source_paths.h"

namespace leakrank {

// "string_store.cpp:15", or "(libstdc++.so.6)" for a frame without line information.
std::string source_place(std::string_view file, uint32_t line, std::string_view module, const SourcePaths& paths);

// A function and its place in at most width bytes. The place keeps up to two thirds of the
// line, since it tells sites apart; the function takes its shorter forms first.
std::string function_at(std::string_view function, std::string_view place, size_t width);

// A site: "[mmap] " before a mapping's, "(released at exit)" after one freed at the end.
std::string site_line(const Site& site, size_t width, const SourcePaths& paths);

}  // namespace leakrank
