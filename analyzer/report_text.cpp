// The report people read: a header like heaptrack_print's summary, then the sites ranked by
// growth, the stacks behind the top ones, and the bounded sites that are not leaks.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string_view>

#include "analyzer/byte_size.h"
#include "analyzer/readable_names.h"
#include "analyzer/report.h"
#include "analyzer/shell_word.h"
#include "analyzer/site_column.h"
#include "analyzer/site_line.h"
#include "analyzer/source_paths.h"
#include "analyzer/text_fit.h"

namespace leakrank {
namespace {

constexpr size_t kStacksShown = 3;
constexpr size_t kLinesShown = 8;  // of a stack, from the site's own frame on
constexpr size_t kWrappersShown = 4;
constexpr std::string_view kLabelIndent = "             ";  // under the header's values
constexpr std::string_view kFrameIndent = "    ";

// ANSI styling that disappears when colour is off.
class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
  std::string bold(std::string_view text) const { return wrap("1", text); }
  std::string dim(std::string_view text) const { return wrap("2", text); }
  std::string verdict(Verdict verdict, std::string_view text) const {
    switch (verdict) {
      case Verdict::growing: return wrap("1;31", text);
      case Verdict::plateau:
      case Verdict::too_short: return wrap("33", text);
      default: return wrap("32", text);
    }
  }

 private:
  std::string wrap(std::string_view code, std::string_view text) const {
    return enabled_ ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  }
  bool enabled_;
};

// What every part of the text is laid out with.
struct Page {
  const Style& style;
  size_t columns;
  const SourcePaths& paths;
};

std::string group_digits(uint64_t value) {
  std::string digits = std::to_string(value);
  for (int i = int(digits.size()) - 3; i > 0; i -= 3) digits.insert(size_t(i), ",");
  return digits;
}

std::string basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string quoted_command(const std::vector<std::string>& command) {
  std::string text;
  for (const std::string& word : command) {
    if (!text.empty()) text += ' ';
    text += shell_quoted(word);
  }
  return text;
}

// A header line: the label, then the text filled in under the values.
std::string labelled(std::string_view label, std::string_view text, const Page& page) {
  return fmt::format("{:<{}}{}\n", label, kLabelIndent.size(),
                     wrap_words(text, page.columns - kLabelIndent.size(), kLabelIndent));
}

// Where the RSS growth went, and a plain word when the sites below do not hold most of it.
std::string rss_growth_lines(const RssExplained& rss, const Page& page) {
  if (rss.rss_growth_bytes <= 0) return "";
  std::string text = fmt::format("{} from {:.1f} s to its peak at {:.1f} s: heap {}, mappings {}",
                                 format_signed_bytes(double(rss.rss_growth_bytes)), rss.from_s, rss.to_s,
                                 format_signed_bytes(double(rss.heap_bytes)), format_signed_bytes(double(rss.mmap_bytes)));
  if (rss.other_anonymous_bytes)
    text += fmt::format(", other anonymous {} (allocator retention, thread stacks, unrecorded), files {}",
                        format_signed_bytes(double(*rss.other_anonymous_bytes)),
                        format_signed_bytes(double(*rss.file_bytes)));
  std::string out = labelled("RSS growth", text, page);
  if (rss.mostly_unrecorded())
    out += page.style.verdict(Verdict::plateau, labelled("", "most of the RSS growth is not in the recorded "
                                                              "allocations below", page));
  return out;
}

// The wrappers sites were chosen past, the most used first, so a reader sees why a site is
// the caller of xmalloc rather than xmalloc: "obtain_cell (detected, 4 callers), xmalloc (named)".
std::string skipped_wrappers_line(const std::vector<SkippedWrapper>& wrappers, const Page& page) {
  std::string names;
  for (size_t i = 0; i < std::min(wrappers.size(), kWrappersShown); ++i) {
    const SkippedWrapper& wrapper = wrappers[i];
    std::string why = wrapper.reason == "detected" ? fmt::format("detected, {} callers", wrapper.callers) : wrapper.reason;
    names += fmt::format("{}{} ({})", names.empty() ? "" : ", ", brief_function_name(wrapper.function), why);
  }
  if (wrappers.size() > kWrappersShown) names += fmt::format(", {} more", wrappers.size() - kWrappersShown);
  return labelled("wrappers", "sites are their callers: " + names, page);
}

std::string header(const Analysis& analysis, const Page& page) {
  const Style& style = page.style;
  std::string title = fmt::format("leakrank report: {}", analysis.path);
  std::string partial = analysis.complete ? "" : "(partial: the recording ends early)";
  std::string out = style.bold(cut_in_middle(title, fits_in_bytes(page.columns)));
  if (!partial.empty()) {
    bool same_line = title.size() + 2 + partial.size() <= page.columns;
    out += (same_line ? "  " : "\n") + style.verdict(Verdict::plateau, partial);
  }
  out += "\n";
  if (!analysis.meta.command.empty()) out += labelled("command", quoted_command(analysis.meta.command), page);
  for (size_t i = 0; i + 1 < analysis.images.size(); ++i)
    out += style.dim(labelled("exec'd from", fmt::format("{} (at {:.2f} s): its sites are not ranked",
                                                         quoted_command(analysis.images[i].command),
                                                         analysis.images[i].start_s), page));
  if (!page.paths.root().empty()) out += labelled("sources", page.paths.root(), page);
  out += labelled("duration", fmt::format("{:.1f} s", analysis.duration_s), page);
  out += labelled("heap", fmt::format("peak {} at {:.1f} s, end {}", format_bytes(double(analysis.peak_heap_bytes)),
                                      analysis.peak_heap_time_s, format_bytes(double(analysis.end_heap_bytes))), page);
  if (analysis.teardown_s)
    out += labelled("teardown", fmt::format("after {:.2f} s the program freed its heap on the way out: sites are "
                                            "judged on the run before it", *analysis.teardown_s), page);
  if (analysis.peak_rss_bytes > 0) out += labelled("peak RSS", format_bytes(double(analysis.peak_rss_bytes)), page);
  if (analysis.rss_explained) out += rss_growth_lines(*analysis.rss_explained, page);
  double temporary_share = analysis.total_allocations
                               ? 100.0 * double(analysis.temporary_allocations) / double(analysis.total_allocations)
                               : 0.0;
  out += labelled("allocations", fmt::format("{} ({} in total), {} frees, {} temporary ({:.1f}%)",
                                             group_digits(analysis.total_allocations),
                                             format_bytes(double(analysis.total_allocated_bytes)),
                                             group_digits(analysis.total_frees),
                                             group_digits(analysis.temporary_allocations), temporary_share), page);
  if (!analysis.skipped_wrappers.empty()) out += skipped_wrappers_line(analysis.skipped_wrappers, page);
  if (analysis.estimated)
    out += style.dim(wrap_words(fmt::format("estimated from allocations sampled every {} on average",
                                            format_bytes(double(analysis.meta.sample_bytes))), page.columns, "") + "\n");
  return out;
}

constexpr size_t kNumbersWidth = 63;  // "  #  verdict" to "allocs" in a row of the table

// The table's word for a verdict: the JSON's, but in plain words.
std::string_view verdict_word(Verdict verdict) { return verdict == Verdict::too_short ? "too short" : to_string(verdict); }

std::string numbers_row(const Site& site, size_t rank, const Style& style) {
  std::string verdict = fmt::format("{:<8}", verdict_word(site.growth.verdict));
  return fmt::format("{:>3}  {} {:>11} {:>13} {:>11} {:>11}", rank, style.verdict(site.growth.verdict, verdict),
                     format_signed_bytes(site.growth.growth_bytes), format_rate(site.growth.slope_bytes_per_s),
                     format_bytes(double(site.live_bytes)), group_digits(site.live_allocations));
}

// The sites beside their numbers, or under them when they do not fit (site_column.h).
std::string site_table(std::span<const Site> sites, const Page& page) {
  const Style& style = page.style;
  size_t widest = 0;
  for (const Site& site : sites) widest = std::max(widest, site_line(site, SIZE_MAX / 4, page.paths).size());
  const SiteColumn column = site_column(kNumbersWidth, page.columns, widest);
  std::string heading = fmt::format("{:>3}  {:<8} {:>11} {:>13} {:>11} {:>11}", "#", "verdict", "growth", "slope",
                                    "live", "allocs");
  std::string out = style.bold(heading + column.before + "site") + "\n";
  for (size_t i = 0; i < sites.size(); ++i)
    out += numbers_row(sites[i], i + 1, style) + column.before + site_line(sites[i], column.width, page.paths) + "\n";
  return out;
}

std::string frame_line(const Frame& frame, const Page& page) {
  std::string where = source_place(frame.file, frame.line, frame.module, page.paths) + (frame.inlined ? "  (inlined)" : "");
  return std::string(kFrameIndent) + function_at(frame.function, where, page.columns - kFrameIndent.size());
}

// The C++ library's own code or the templates it inlined into the program.
bool in_standard_library(const Frame& frame) {
  return basename_of(frame.module).starts_with("libstdc++") || frame.file.find("/c++/") != std::string::npos;
}

// A run of runtime frames as one dim line: how many and where they lead, innermost first
// (operator new → std::unordered_map::try_emplace). A lone frame is shown as it is.
std::string runtime_run_line(std::span<const Frame> run, const Page& page) {
  if (run.size() == 1) return page.style.dim(frame_line(run.front(), page)) + "\n";
  std::string innermost = brief_function_name(run.front().function);
  std::string outermost = brief_function_name(run.back().function);
  std::string ends = innermost == outermost ? innermost : fmt::format("{} → {}", innermost, outermost);
  bool standard = std::any_of(run.begin(), run.end(), in_standard_library);
  std::string count = fmt::format("{}… {} frames in {} (", kFrameIndent, run.size(),
                                  standard ? "the standard library" : "the runtime");
  size_t room = page.columns > count.size() + 1 ? page.columns - count.size() - 1 : 0;
  if (ends.size() > room) ends = cut_in_middle(outermost, fits_in_bytes(room));  // where the run leads matters most
  return page.style.dim(count + ends + ")") + "\n";
}

size_t own_frame_index(const Site& site) {
  auto own = std::find_if(site.frames.begin(), site.frames.end(), [&](const Frame& frame) {
    return frame.function == site.function && frame.file == site.file && frame.line == site.line;
  });
  return own == site.frames.end() ? 0 : size_t(own - site.frames.begin());
}

// The frames of one site's largest stack: the site's own frame and the program's frames in
// full, each run of runtime frames (allocator, libc, inlined library templates) as one line
// unless --keep-frames asks for all of them. Lines end a few past the site's own frame.
std::string site_stack(const Site& site, size_t rank, const Page& page, bool keep_frames) {
  std::string number = fmt::format("#{} ", rank);
  std::string out = number + site_line(site, page.columns - number.size(), page.paths) + "\n";
  std::span<const Frame> frames(site.frames);
  size_t own_index = own_frame_index(site);
  auto collapsible = [&](size_t i) { return !keep_frames && i != own_index && is_runtime_frame(frames[i]); };
  size_t lines_from_own = 0;
  size_t i = 0;
  // A last frame takes no more room than the line that would count it.
  while (i < frames.size() && (lines_from_own < kLinesShown || i + 1 == frames.size())) {
    bool runtime = collapsible(i);
    size_t end = i + 1;
    while (runtime && end < frames.size() && collapsible(end)) ++end;
    out += runtime ? runtime_run_line(frames.subspan(i, end - i), page) : frame_line(frames[i], page) + "\n";
    if (end > own_index) ++lines_from_own;
    i = end;
  }
  if (i < frames.size()) out += page.style.dim(fmt::format("{}… {} more frames", kFrameIndent, frames.size() - i)) + "\n";
  return out;
}

// The sites that are not leaks after all (bounded), and those the recording is too short to
// judge: what they hold, the site under it.
std::string site_notes(std::span<const Site> sites, const Page& page) {
  std::string out;
  for (const Site& site : sites) {
    const GrowthAssessment& growth = site.growth;
    std::string note;
    if (growth.verdict == Verdict::plateau && growth.resets_every_s > 0)
      note = fmt::format("  bounded: {}, emptied and rebuilt every {:.1f} s — not a leak", format_bytes(growth.peak_bytes),
                         growth.resets_every_s);
    else if (growth.verdict == Verdict::plateau)
      note = fmt::format("  bounded: {}, flat since {:.1f} s — not a leak", format_bytes(growth.peak_bytes),
                         growth.plateau_since_s);
    else if (growth.verdict == Verdict::too_short)
      note = fmt::format("  too short to tell: {} rose all along, in too few steps to tell a leak from a fill-up; "
                         "record longer", format_signed_bytes(growth.growth_bytes));
    if (note.empty()) continue;
    out += fmt::format("{}\n{}{}\n", wrap_clauses(note, page.columns - 4, "    "), kFrameIndent,
                       site_line(site, page.columns - kFrameIndent.size(), page.paths));
  }
  return out;
}

// The commands that look closer: the plot, and a diff from early on to the end (or to the
// teardown).
std::string next_steps(const Analysis& analysis, size_t columns) {
  std::string from = analysis.named_snapshots.empty()
                         ? fmt::format("{:.0f}s", std::floor(analysis.duration_s / 3))
                         : analysis.named_snapshots.front().name;
  // Before a teardown: at the end every site has given its memory back.
  std::string to = analysis.teardown_s ? fmt::format("{:.3f}s", std::floor(*analysis.teardown_s * 1000) / 1000) : "end";
  std::string path = shell_word(analysis.path);  // as run's summary names it: the lines paste
  std::string diff = fmt::format("      leakrank diff {0}@{1} {0}@{2}", path, from, to);
  // Too wide: the second side goes under the first, after a backslash the shell reads past.
  if (display_width(diff) > columns)
    diff = fmt::format("      leakrank diff {0}@{1} \\\n                    {0}@{2}", path, from, to);
  return fmt::format("next: leakrank plot {}\n{}\n", path, diff);
}

}  // namespace

std::string render_report_text(const Analysis& analysis, const ReportOptions& options) {
  Style style(options.color);
  SourcePaths paths(analysis.sites, options.working_dir);
  Page page{style, std::max(options.columns, kMinTextColumns), paths};
  size_t shown = options.top == 0 ? analysis.sites.size() : std::min(options.top, analysis.sites.size());
  std::span<const Site> sites = std::span(analysis.sites).first(shown);
  std::string out = header(analysis, page) + "\n";
  if (shown == 0) {
    out += "no allocations recorded in this window\n";
    return out;
  }
  out += site_table(sites, page);
  if (shown < analysis.sites.size()) out += style.dim(fmt::format("  ... {} more sites (--top)\n", analysis.sites.size() - shown));
  out += "\n";
  for (size_t i = 0; i < std::min(shown, kStacksShown); ++i)
    out += site_stack(analysis.sites[i], i + 1, page, options.keep_frames) + "\n";
  std::string notes = site_notes(sites, page);
  if (!notes.empty()) out += notes + "\n";
  out += next_steps(analysis, page.columns);
  return out;
}

}  // namespace leakrank
