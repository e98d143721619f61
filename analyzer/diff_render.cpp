#include "analyzer/diff_render.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "analyzer/byte_size.h"
#include "analyzer/site_column.h"
#include "analyzer/site_line.h"
#include "analyzer/source_paths.h"
#include "analyzer/text_fit.h"

namespace leakrank {
namespace {

std::string signed_bytes(int64_t bytes) {
  return fmt::format("{}{}", bytes > 0 ? "+" : "", format_bytes(static_cast<double>(bytes)));
}

std::string signed_count(int64_t count) { return fmt::format("{:+}", count); }

std::string location(const SiteDiff& site) {
  if (site.file.empty()) return "";
  return site.line ? fmt::format("{}:{}", site.file, site.line) : site.file;
}

std::span<const SiteDiff> shown_sites(const RecordingDiff& diff, const DiffRenderOptions& options) {
  const size_t shown = options.top == 0 ? diff.sites.size() : std::min(options.top, diff.sites.size());
  return std::span(diff.sites).first(shown);
}

std::vector<const SiteDiff*> failed_sites(const RecordingDiff& diff, const DiffRenderOptions& options) {
  if (!options.fail_on_growth_bytes) return {};
  return sites_growing_over(diff, *options.fail_on_growth_bytes);
}

int64_t heap_diff(const RecordingDiff& diff) {
  return static_cast<int64_t>(diff.new_heap_bytes) - static_cast<int64_t>(diff.base_heap_bytes);
}

std::string sites_word(size_t count) { return count == 1 ? "site" : "sites"; }

std::string_view match_name(SiteMatch match) {
  switch (match) {
    case SiteMatch::only_new: return "new";
    case SiteMatch::only_base: return "gone";
    case SiteMatch::matched: break;
  }
  return "matched";
}

// Shown after a site's name in the tables: a site found on one side only.
std::string match_note(const SiteDiff& site) {
  return site.match == SiteMatch::matched ? "" : fmt::format(" ({})", match_name(site.match));
}

// "2 matched, 1 new, 0 gone": a CI log shows at a glance whether the two sides were comparable.
std::string match_summary(const RecordingDiff& diff) {
  auto count = [&](SiteMatch match) {
    return std::count_if(diff.sites.begin(), diff.sites.end(), [&](const SiteDiff& s) { return s.match == match; });
  };
  return fmt::format("{} matched, {} new, {} gone", count(SiteMatch::matched), count(SiteMatch::only_new),
                     count(SiteMatch::only_base));
}

constexpr size_t kNumbersWidth = 47;  // "SIZE" to "COUNT DIFF" in a row of the text table

// The text's source paths: relative to the working folder, or to the folder the sites share.
SourcePaths source_paths(const RecordingDiff& diff, std::string_view working_dir) {
  std::vector<std::string_view> files;
  for (const SiteDiff& site : diff.sites) files.push_back(site.file);
  return SourcePaths(files, working_dir);
}

// A site in the text table as the report writes one (site_line.h), in at most width bytes,
// with "(new)" or "(gone)" after a site found on one side only.
std::string fitted_site(const SiteDiff& site, size_t width, const SourcePaths& paths) {
  std::string place = source_place(site.file, site.line, "", paths);
  if (site.match != SiteMatch::matched) place += fmt::format("{}({})", place.empty() ? "" : "  ", match_name(site.match));
  return function_at(site.function, place, width);
}

// Pipes end a markdown table cell, even inside a code span.
std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string site_label(const SiteDiff& site) {
  const std::string where = location(site);
  return where.empty() ? site.function : fmt::format("{} {}", site.function, where);
}

std::string render_diff_text(const RecordingDiff& diff, const DiffRenderOptions& options) {
  const size_t columns = std::max(options.columns, kMinTextColumns);
  const SourcePaths paths = source_paths(diff, options.working_dir);
  std::string out = wrap_words(fmt::format("{} -> {}", diff.base_label, diff.new_label), columns, "") + "\n";
  out += fmt::format("live heap: {} -> {} ({})\nsites: {}\n", format_bytes(diff.base_heap_bytes),
                     format_bytes(diff.new_heap_bytes), signed_bytes(heap_diff(diff)), match_summary(diff));
  if (!paths.root().empty()) out += wrap_words("sources: " + paths.root(), columns, "") + "\n";
  const std::span<const SiteDiff> shown = shown_sites(diff, options);
  size_t widest = 0;
  for (const SiteDiff& site : shown) widest = std::max(widest, fitted_site(site, SIZE_MAX / 4, paths).size());
  const SiteColumn column = site_column(kNumbersWidth, columns, widest);
  out += fmt::format("\n{:>12} {:>12} {:>10} {:>10}{}SITE\n", "SIZE", "SIZE DIFF", "COUNT", "COUNT DIFF", column.before);
  for (const SiteDiff& site : shown) {
    out += fmt::format("{:>12} {:>12} {:>10} {:>10}{}{}\n", format_bytes(site.size), signed_bytes(site.size_diff),
                       site.count, signed_count(site.count_diff), column.before,
                       fitted_site(site, column.width, paths));
  }
  if (diff.sites.size() > shown_sites(diff, options).size()) {
    out += fmt::format("... {} more {} (--top)\n", diff.sites.size() - options.top,
                       sites_word(diff.sites.size() - options.top));
  }
  if (diff.suppressed_sites > 0) {
    out += fmt::format("{} {} suppressed\n", diff.suppressed_sites, sites_word(diff.suppressed_sites));
  }
  if (options.fail_on_growth_bytes) {
    const auto failed = failed_sites(diff, options);
    out += fmt::format("\n{}: {} {} grew more than {} (--fail-on-growth)\n", failed.empty() ? "PASS" : "FAIL",
                       failed.size(), sites_word(failed.size()), format_bytes(*options.fail_on_growth_bytes));
    for (const SiteDiff* site : failed) {
      const std::string growth = fmt::format("  {} ", signed_bytes(site->size_diff));
      out += growth + fitted_site(*site, columns - growth.size(), paths) + "\n";
    }
  }
  return out;
}

std::string render_diff_json(const RecordingDiff& diff, const DiffRenderOptions& options) {
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const SiteDiff& site : diff.sites) {
    sites.push_back({{"key", site.key}, {"match", match_name(site.match)}, {"function", site.function},
                     {"file", site.file}, {"line", site.line}, {"size", site.size}, {"size_diff", site.size_diff},
                     {"count", site.count}, {"count_diff", site.count_diff}});
  }
  nlohmann::ordered_json json = {
      {"base", diff.base_label}, {"new", diff.new_label},
      {"base_heap_bytes", diff.base_heap_bytes}, {"new_heap_bytes", diff.new_heap_bytes},
      {"heap_diff_bytes", heap_diff(diff)}, {"suppressed_sites", diff.suppressed_sites}, {"sites", sites}};
  if (options.fail_on_growth_bytes) {
    nlohmann::ordered_json failed = nlohmann::ordered_json::array();
    for (const SiteDiff* site : failed_sites(diff, options)) failed.push_back(site->key);
    json["fail_on_growth_bytes"] = *options.fail_on_growth_bytes;
    json["failed_sites"] = failed;
  }
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";  // names may not be UTF-8
}

std::string render_diff_markdown(const RecordingDiff& diff, const DiffRenderOptions& options) {
  std::string out = fmt::format("### leakrank diff\n\n`{}` → `{}`: live heap {} → {} (**{}**); sites: {}\n\n",
                                markdown_cell(diff.base_label), markdown_cell(diff.new_label),
                                format_bytes(diff.base_heap_bytes), format_bytes(diff.new_heap_bytes),
                                signed_bytes(heap_diff(diff)), match_summary(diff));
  if (options.fail_on_growth_bytes) {
    const auto failed = failed_sites(diff, options);
    out += failed.empty() ? fmt::format(":white_check_mark: No site grew more than {}.\n\n",
                                        format_bytes(*options.fail_on_growth_bytes))
                          : fmt::format(":x: **{} {} grew more than {}**\n\n", failed.size(),
                                        sites_word(failed.size()), format_bytes(*options.fail_on_growth_bytes));
  }
  out += "| Site | Size | Δ Size | Count | Δ Count |\n|---|---:|---:|---:|---:|\n";
  for (const SiteDiff& site : shown_sites(diff, options)) {
    const std::string where = location(site);
    out += fmt::format("| `{}`{}{} | {} | {} | {} | {} |\n", markdown_cell(site.function),
                       where.empty() ? "" : fmt::format(" `{}`", markdown_cell(where)), match_note(site),
                       format_bytes(site.size),
                       signed_bytes(site.size_diff), site.count, signed_count(site.count_diff));
  }
  if (diff.sites.size() > shown_sites(diff, options).size()) {
    out += fmt::format("\n{} more {} not shown.\n", diff.sites.size() - options.top,
                       sites_word(diff.sites.size() - options.top));
  }
  if (diff.suppressed_sites > 0) {
    out += fmt::format("\n{} {} suppressed.\n", diff.suppressed_sites, sites_word(diff.suppressed_sites));
  }
  return out;
}

std::string render_diff(const RecordingDiff& diff, DiffFormat format, const DiffRenderOptions& options) {
  switch (format) {
    case DiffFormat::json: return render_diff_json(diff, options);
    case DiffFormat::markdown: return render_diff_markdown(diff, options);
    case DiffFormat::text: break;
  }
  return render_diff_text(diff, options);
}

}  // namespace leakrank
