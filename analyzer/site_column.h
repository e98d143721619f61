#pragma once
// Where a table of numbers puts its sites: beside each row's numbers when every site fits
// there, else on a line of its own under them, so that names are cut as little as the width
// allows. The report's table and diff's lay their sites out alike.
#include <cstddef>
#include <string>

namespace leakrank {

struct SiteColumn {
  std::string before;  // between a row's numbers and its site: "  ", or a new line and an indent
  size_t width;        // bytes a site may take
};

// numbers_width: a row's numbers; widest_site: the longest site line, uncut.
SiteColumn site_column(size_t numbers_width, size_t columns, size_t widest_site);

}  // namespace leakrank
