#include "analyzer/text_fit.h"

#include <algorithm>
#include <vector>

namespace leakrank {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte offsets where each UTF-8 character starts, so a cut never splits one.
std::vector<size_t> character_starts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i)
    if (!is_continuation_byte(text[i])) starts.push_back(i);
  return starts;
}

}  // namespace

size_t display_width(std::string_view utf8) {
  size_t width = 0;
  for (char c : utf8) width += is_continuation_byte(c) ? 0 : 1;
  return width;
}

std::string cut_in_middle(std::string_view text, const Fits& fits) {
  if (fits(text)) return std::string(text);
  std::vector<size_t> starts = character_starts(text);
  auto keep = [&](size_t kept) {
    size_t tail = kept / 2, head = kept - tail;
    size_t head_end = head < starts.size() ? starts[head] : text.size();
    size_t tail_begin = tail == 0 ? text.size() : starts[starts.size() - tail];
    return std::string(text.substr(0, head_end)) + "…" + std::string(text.substr(tail_begin));
  };
  size_t lo = 0, hi = starts.size();  // keep(lo) fits, or nothing does; keep(hi) does not
  while (lo + 1 < hi) {
    size_t mid = (lo + hi) / 2;
    (fits(keep(mid)) ? lo : hi) = mid;
  }
  return keep(lo);
}

std::string cut_in_middle(std::string_view text, size_t columns) {
  return cut_in_middle(text, [columns](std::string_view piece) { return display_width(piece) <= columns; });
}

Fits fits_in_bytes(size_t bytes) {
  return [bytes](std::string_view text) { return text.size() <= bytes; };
}

std::string wrap_words(std::string_view text, size_t width, std::string_view indent) {
  std::string out, line;
  auto end_line = [&] {
    if (line.empty()) return;
    if (!out.empty()) out += "\n" + std::string(indent);
    out += line;
    line.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t space = std::min(text.find(' ', i), text.size());
    std::string_view word = text.substr(i, space - i);
    i = space + 1;
    if (word.empty()) continue;
    if (!line.empty() && line.size() + 1 + word.size() > width) end_line();
    if (!line.empty()) line += ' ';
    line += word.size() > width ? cut_in_middle(word, fits_in_bytes(width)) : std::string(word);
  }
  end_line();
  return out;
}

std::string wrap_clauses(std::string_view text, size_t width, std::string_view indent) {
  std::vector<std::string> lines;
  std::string line;
  auto end_line = [&] {
    while (line.ends_with(' ')) line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
  };
  for (size_t i = 0; i < text.size();) {
    size_t end = std::min({text.find(", ", i), text.find(": ", i), text.size()});
    end = std::min(end + 2, text.size());  // the clause keeps its comma or colon and space
    std::string_view clause = text.substr(i, end - i);
    i = end;
    size_t clause_width = clause.find_last_not_of(' ') + 1;
    if (!line.empty() && line.size() + clause_width > width) end_line();
    if (clause_width <= width) {
      line += clause;
      continue;
    }
    std::string filled = wrap_words(clause, width, "\n");  // one line per "\n\n"
    for (size_t at = 0, next; (next = filled.find("\n\n", at)) != std::string::npos; at = next + 2) {
      lines.push_back(filled.substr(at, next - at));
      line = filled.substr(next + 2);
    }
    if (filled.find("\n\n") == std::string::npos) line = filled;
    if (clause.ends_with(' ')) line += ' ';
  }
  end_line();
  std::string out;
  for (const std::string& each : lines) out += (out.empty() ? "" : "\n" + std::string(indent)) + each;
  return out;
}

}  // namespace leakrank
