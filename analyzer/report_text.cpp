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

namespace leakrank {
namespace {

constexpr size_t kStacksShown = 3;
constexpr size_t kLinesShown = 8;  // of a stack, from the site's own frame on

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
    bool plain = !word.empty() && word.find_first_of(" \t'\"$\\") == std::string::npos;
    text += plain ? word : "'" + word + "'";
  }
  return text;
}

std::string location(std::string_view function, std::string_view file, uint32_t line, std::string_view module) {
  if (!file.empty()) return fmt::format("{}  {}:{}", function, file, line);
  if (!module.empty()) return fmt::format("{}  ({})", function, basename_of(module));
  return std::string(function);
}

std::string site_location(const Site& site) { return location(site.function, site.file, site.line, site.module); }

std::string header(const Analysis& analysis, const Style& style) {
  std::string out = style.bold(fmt::format("leakrank report: {}", analysis.path));
  if (!analysis.complete) out += "  " + style.verdict(Verdict::plateau, "(partial: the recording ends early)");
  out += "\n";
  if (!analysis.meta.command.empty()) out += fmt::format("command      {}\n", quoted_command(analysis.meta.command));
  out += fmt::format("duration     {:.1f} s\n", analysis.duration_s);
  out += fmt::format("heap         peak {} at {:.1f} s, end {}\n", format_bytes(double(analysis.peak_heap_bytes)),
                     analysis.peak_heap_time_s, format_bytes(double(analysis.end_heap_bytes)));
  if (analysis.teardown_s)
    out += fmt::format("teardown     after {:.2f} s the program freed its heap on the way out: sites are judged\n"
                       "             on the run before it\n", *analysis.teardown_s);
  if (analysis.peak_rss_bytes > 0)
    out += fmt::format("peak RSS     {}\n", format_bytes(double(analysis.peak_rss_bytes)));
  double temporary_share = analysis.total_allocations
                               ? 100.0 * double(analysis.temporary_allocations) / double(analysis.total_allocations)
                               : 0.0;
  out += fmt::format("allocations  {} ({} in total), {} frees, {} temporary ({:.1f}%)\n",
                     group_digits(analysis.total_allocations), format_bytes(double(analysis.total_allocated_bytes)),
                     group_digits(analysis.total_frees), group_digits(analysis.temporary_allocations),
                     temporary_share);
  if (analysis.estimated)
    out += style.dim(fmt::format("estimated from allocations sampled every {} on average\n",
                                 format_bytes(double(analysis.meta.sample_bytes))));
  return out;
}

// The table's word for a verdict: the JSON's, but in plain words.
std::string_view verdict_word(Verdict verdict) { return verdict == Verdict::too_short ? "too short" : to_string(verdict); }

std::string site_table(const std::vector<Site>& sites, size_t shown, const Style& style) {
  std::string out = style.bold(fmt::format("{:>3}  {:<8} {:>11} {:>13} {:>11} {:>11}  {}\n", "#", "verdict", "growth",
                                           "slope", "live", "allocs", "site"));
  for (size_t i = 0; i < shown; ++i) {
    const Site& site = sites[i];
    std::string verdict = fmt::format("{:<8}", verdict_word(site.growth.verdict));
    out += fmt::format("{:>3}  {} {:>11} {:>13} {:>11} {:>11}  {}\n", i + 1, style.verdict(site.growth.verdict, verdict),
                       format_signed_bytes(site.growth.growth_bytes), format_rate(site.growth.slope_bytes_per_s),
                       format_bytes(double(site.live_bytes)), group_digits(site.live_allocations),
                       site_location(site) + (site.growth.released_at_exit ? "  (released at exit)" : ""));
  }
  return out;
}

std::string frame_line(const Frame& frame) {
  return location(frame.function, frame.file, frame.line, frame.module) + (frame.inlined ? "  (inlined)" : "");
}

// The C++ library's own code or the templates it inlined into the program.
bool in_standard_library(const Frame& frame) {
  return basename_of(frame.module).starts_with("libstdc++") || frame.file.find("/c++/") != std::string::npos;
}

// A run of runtime frames as one dim line: how many and where they lead, innermost first
// (operator new → std::unordered_map::try_emplace). A lone frame is shown as it is.
std::string runtime_run_line(std::span<const Frame> run, const Style& style) {
  if (run.size() == 1) return "    " + style.dim(frame_line(run.front())) + "\n";
  std::string innermost = brief_function_name(run.front().function);
  std::string outermost = brief_function_name(run.back().function);
  std::string ends = innermost == outermost ? innermost : fmt::format("{} → {}", innermost, outermost);
  bool standard = std::any_of(run.begin(), run.end(), in_standard_library);
  return "    " + style.dim(fmt::format("… {} frames in {} ({})", run.size(),
                                       standard ? "the standard library" : "the runtime", ends)) + "\n";
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
std::string site_stack(const Site& site, size_t rank, const Style& style, bool keep_frames) {
  std::string out = fmt::format("#{} {}\n", rank, site_location(site));
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
    out += runtime ? runtime_run_line(frames.subspan(i, end - i), style) : "    " + frame_line(frames[i]) + "\n";
    if (end > own_index) ++lines_from_own;
    i = end;
  }
  if (i < frames.size()) out += "    " + style.dim(fmt::format("… {} more frames", frames.size() - i)) + "\n";
  return out;
}

// The sites that are not leaks after all (bounded), and those the recording is too short to
// judge, each on a line of its own.
std::string site_notes(const std::vector<Site>& sites, size_t shown) {
  std::string out;
  for (size_t i = 0; i < shown; ++i) {
    const Site& site = sites[i];
    const GrowthAssessment& growth = site.growth;
    if (growth.verdict == Verdict::plateau && growth.resets_every_s > 0)
      out += fmt::format("  bounded: {} at {}, emptied and rebuilt every {:.1f} s — not a leak\n",
                         format_bytes(growth.peak_bytes), site_location(site), growth.resets_every_s);
    else if (growth.verdict == Verdict::plateau)
      out += fmt::format("  bounded: {} at {}, flat since {:.1f} s — not a leak\n", format_bytes(growth.peak_bytes),
                         site_location(site), growth.plateau_since_s);
    else if (growth.verdict == Verdict::too_short)
      out += fmt::format("  too short to tell: {} at {} rose all along, in too few steps to tell a leak from a fill-up;"
                         " record longer\n", format_signed_bytes(growth.growth_bytes), site_location(site));
  }
  return out;
}

// The commands that look closer: the plot, and a diff from early on to the end (or to the
// teardown).
std::string next_steps(const Analysis& analysis) {
  std::string from = analysis.named_snapshots.empty()
                         ? fmt::format("{:.0f}s", std::floor(analysis.duration_s / 3))
                         : analysis.named_snapshots.front().name;
  // Before a teardown: at the end every site has given its memory back.
  std::string to = analysis.teardown_s ? fmt::format("{:.3f}s", std::floor(*analysis.teardown_s * 1000) / 1000) : "end";
  return fmt::format("next: leakrank plot {0}    leakrank diff {0}@{1} {0}@{2}\n", analysis.path, from, to);
}

}  // namespace

std::string render_report_text(const Analysis& analysis, const ReportOptions& options) {
  Style style(options.color);
  size_t shown = options.top == 0 ? analysis.sites.size() : std::min(options.top, analysis.sites.size());
  std::string out = header(analysis, style) + "\n";
  if (shown == 0) {
    out += "no allocations recorded in this window\n";
    return out;
  }
  out += site_table(analysis.sites, shown, style);
  if (shown < analysis.sites.size()) out += style.dim(fmt::format("  ... {} more sites (--top)\n", analysis.sites.size() - shown));
  out += "\n";
  for (size_t i = 0; i < std::min(shown, kStacksShown); ++i)
    out += site_stack(analysis.sites[i], i + 1, style, options.keep_frames) + "\n";
  std::string notes = site_notes(analysis.sites, shown);
  if (!notes.empty()) out += notes + "\n";
  out += next_steps(analysis);
  return out;
}

}  // namespace leakrank
