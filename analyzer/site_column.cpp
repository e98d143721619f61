#include "analyzer/site_column.h"

#include <string_view>

namespace leakrank {
namespace {

constexpr std::string_view kBeside = "  ";
constexpr std::string_view kUnder = "\n     ";  // a site under its row of numbers

}  // namespace

SiteColumn site_column(size_t numbers_width, size_t columns, size_t widest_site) {
  size_t beside = columns > numbers_width + kBeside.size() ? columns - numbers_width - kBeside.size() : 0;
  if (widest_site <= beside) return {std::string(kBeside), beside};
  return {std::string(kUnder), columns - (kUnder.size() - 1)};
}

}  // namespace leakrank
