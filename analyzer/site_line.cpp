#include "analyzer/site_line.h"

#include <fmt/core.h>

#include "analyzer/readable_names.h"
#include "analyzer/text_fit.h"

namespace leakrank {

std::string source_place(std::string_view file, uint32_t line, std::string_view module, const SourcePaths& paths) {
  if (!file.empty()) return fmt::format("{}:{}", paths.shown(file), line);
  if (module.empty()) return "";
  size_t slash = module.rfind('/');
  return fmt::format("({})", slash == std::string_view::npos ? module : module.substr(slash + 1));
}

std::string function_at(std::string_view function, std::string_view place, size_t width) {
  std::string tail = place.empty() ? "" : "  " + cut_in_middle(place, fits_in_bytes(width * 2 / 3));
  size_t room = width > tail.size() ? width - tail.size() : 0;
  return fit_function_name(function, fits_in_bytes(room)) + tail;
}

std::string site_line(const Site& site, size_t width, const SourcePaths& paths) {
  std::string place = source_place(site.file, site.line, site.module, paths);
  if (site.growth.released_at_exit) place += "  (released at exit)";
  return function_at((site.mapping ? "[mmap] " : "") + site.function, place, width);
}

}  // namespace leakrank
