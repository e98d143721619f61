#include "analyzer/site_matching.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace leakrank {
namespace {

// Past this many cells (8 MiB) the line alignment pairs sites in order instead: only a
// function with thousands of allocation sites in one file gets there.
constexpr size_t kMaxAlignmentCells = size_t(1) << 20;

// Splits off a path's last component: "src/a/util.c" gives "util.c" and leaves "src/a".
std::string_view pop_component(std::string_view& path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  path = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  return last;
}

std::string_view file_name(std::string_view path) { return pop_component(path); }

// One site as matching sees it, frame by frame of its key.
struct Located {
  const Site* site = nullptr;
  std::string identity;                 // what a rebuild keeps: functions and file names
  std::vector<std::string_view> paths;  // per frame: its source file, or its module without debug info
  std::vector<uint32_t> lines;          // per frame
  bool paired = false;

  void add_frame(std::string_view function, std::string_view file, uint32_t line, std::string_view module) {
    const std::string_view path = file.empty() ? module : file;
    identity.append(function).append(file.empty() ? "\tmodule " : "\tfile ").append(file_name(path)) += '\n';
    paths.push_back(path);
    lines.push_back(line);
  }
};

// The frames a site's key is made of under group_by (SiteGrouping::frame_key and stack_key).
Located locate(const Site& site, GroupBy group_by) {
  Located located{.site = &site};
  if (group_by == GroupBy::function) {
    located.identity = site.function;  // the key holds neither file nor line
  } else if (group_by == GroupBy::stack && !site.frames.empty()) {
    for (const Frame& frame : site.frames) located.add_frame(frame.function, frame.file, frame.line, frame.module);
  } else {
    located.add_frame(site.function, site.file, site.line, site.module);
  }
  return located;
}

struct Sides {
  std::vector<Located> base;
  std::vector<Located> now;
};

// Sites of one side and one identity that lie in the very same files, in line order.
using SameFiles = std::vector<Located*>;

std::vector<SameFiles> group_by_files(std::vector<Located>& sites) {
  std::map<std::vector<std::string_view>, SameFiles> groups;
  for (Located& site : sites) groups[site.paths].push_back(&site);
  std::vector<SameFiles> files;
  for (auto& [paths, group] : groups) {
    std::sort(group.begin(), group.end(), [](const Located* a, const Located* b) { return a->lines < b->lines; });
    files.push_back(std::move(group));
  }
  return files;
}

size_t shared_path(const Located& a, const Located& b) {
  size_t shared = 0;
  for (size_t i = 0; i < a.paths.size() && i < b.paths.size(); ++i)
    shared += shared_trailing_components(a.paths[i], b.paths[i]);
  return shared;
}

// Files of the same name on both sides, paired one to one: the longest shared trailing path first.
std::vector<std::pair<size_t, size_t>> pair_files(const std::vector<SameFiles>& base,
                                                  const std::vector<SameFiles>& now) {
  struct Option {
    size_t shared, base, now;
  };
  std::vector<Option> options;
  for (size_t b = 0; b < base.size(); ++b)
    for (size_t n = 0; n < now.size(); ++n) options.push_back({shared_path(*base[b].front(), *now[n].front()), b, n});
  std::stable_sort(options.begin(), options.end(),
                   [](const Option& x, const Option& y) { return x.shared > y.shared; });
  std::vector<bool> base_taken(base.size()), now_taken(now.size());
  std::vector<std::pair<size_t, size_t>> pairs;
  for (const Option& option : options) {
    if (base_taken[option.base] || now_taken[option.now]) continue;
    base_taken[option.base] = now_taken[option.now] = true;
    pairs.emplace_back(option.base, option.now);
  }
  return pairs;
}

uint64_t drift(const Located& a, const Located& b) {
  uint64_t lines = 0;
  for (size_t i = 0; i < a.lines.size() && i < b.lines.size(); ++i)
    lines += a.lines[i] > b.lines[i] ? a.lines[i] - b.lines[i] : b.lines[i] - a.lines[i];
  return lines;
}

// Pairs shorter[i] with longer[j], every site of the shorter list, keeping their order with the
// least total drift: an edit above allocations shifts them all alike, so pairing by nearest
// line alone would cross them, and a site added between two others must not pull either away.
std::vector<std::pair<size_t, size_t>> align_in_order(const SameFiles& shorter, const SameFiles& longer) {
  const size_t n = shorter.size(), m = longer.size();
  std::vector<std::pair<size_t, size_t>> pairs;
  if (n == m || (n + 1) * (m + 1) > kMaxAlignmentCells) {  // equal lengths: order alone decides
    for (size_t i = 0; i < n; ++i) pairs.emplace_back(i, i);
    return pairs;
  }
  // least[i][j]: the least drift placing shorter[i..] among longer[j..], for j <= m - (n - i).
  std::vector<uint64_t> least((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint64_t& { return least[i * (m + 1) + j]; };
  auto take = [&](size_t i, size_t j) { return drift(*shorter[i], *longer[j]) + at(i + 1, j + 1); };
  for (size_t i = n; i-- > 0;) {
    const size_t last = m - (n - i);
    at(i, last) = take(i, last);
    for (size_t j = last; j-- > 0;) at(i, j) = std::min(take(i, j), at(i, j + 1));
  }
  for (size_t i = 0, j = 0; i < n; ++j) {
    if (at(i, j) == take(i, j)) pairs.emplace_back(i++, j);
  }
  return pairs;
}

std::vector<std::pair<size_t, size_t>> align_lines(const SameFiles& base, const SameFiles& now) {
  if (base.size() <= now.size()) return align_in_order(base, now);
  std::vector<std::pair<size_t, size_t>> pairs = align_in_order(now, base);
  for (auto& [first, second] : pairs) std::swap(first, second);
  return pairs;
}

void match_identity(Sides& sides, std::vector<SitePair>& pairs) {
  std::vector<SameFiles> base_files = group_by_files(sides.base);
  std::vector<SameFiles> now_files = group_by_files(sides.now);
  for (auto [b, n] : pair_files(base_files, now_files)) {
    for (auto [i, j] : align_lines(base_files[b], now_files[n])) {
      base_files[b][i]->paired = now_files[n][j]->paired = true;
      pairs.push_back({base_files[b][i]->site, now_files[n][j]->site});
    }
  }
  for (const Located& site : sides.base)
    if (!site.paired) pairs.push_back({site.site, nullptr});
  for (const Located& site : sides.now)
    if (!site.paired) pairs.push_back({nullptr, site.site});
}

}  // namespace

size_t shared_trailing_components(std::string_view a, std::string_view b) {
  size_t shared = 0;
  for (;;) {
    const std::string_view last_a = pop_component(a), last_b = pop_component(b);
    if (last_a.empty() || last_a != last_b) return shared;
    ++shared;
  }
}

std::vector<SitePair> match_sites(std::span<const Site> base, std::span<const Site> now, GroupBy group_by) {
  std::map<std::string, Sides> by_identity;  // ordered: the same input always pairs the same way
  for (const Site& site : base) {
    Located located = locate(site, group_by);
    by_identity[located.identity].base.push_back(std::move(located));
  }
  for (const Site& site : now) {
    Located located = locate(site, group_by);
    by_identity[located.identity].now.push_back(std::move(located));
  }
  std::vector<SitePair> pairs;
  for (auto& [identity, sides] : by_identity) match_identity(sides, pairs);
  return pairs;
}

}  // namespace leakrank
