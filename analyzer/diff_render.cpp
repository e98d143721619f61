#include "analyzer/diff_render.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "analyzer/byte_size.h"

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
  std::string out = fmt::format("{} -> {}\nlive heap: {} -> {} ({})\nsites: {}\n\n", diff.base_label,
                                diff.new_label, format_bytes(diff.base_heap_bytes),
                                format_bytes(diff.new_heap_bytes), signed_bytes(heap_diff(diff)),
                                match_summary(diff));
  out += fmt::format("{:>12} {:>12} {:>10} {:>10}  {}\n", "SIZE", "SIZE DIFF", "COUNT", "COUNT DIFF", "SITE");
  for (const SiteDiff& site : shown_sites(diff, options)) {
    out += fmt::format("{:>12} {:>12} {:>10} {:>10}  {}{}\n", format_bytes(site.size), signed_bytes(site.size_diff),
                       site.count, signed_count(site.count_diff), site_label(site), match_note(site));
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
    for (const SiteDiff* site : failed) out += fmt::format("  {} {}\n", signed_bytes(site->size_diff), site_label(*site));
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
