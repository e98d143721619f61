#include "analyzer/jit_symbols.h"

#include <charconv>
#include <iterator>

namespace leakrank {
namespace {

std::optional<uint64_t> hex_field(std::string_view& line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view text = line.substr(0, space);
  if (text.starts_with("0x")) text.remove_prefix(2);
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  line.remove_prefix(space + 1);
  return value;
}

}  // namespace

void JitSymbols::add_lines(std::string_view lines) {
  while (!lines.empty()) {
    size_t newline = lines.find('\n');
    std::string_view line = lines.substr(0, newline);
    lines.remove_prefix(newline == std::string_view::npos ? lines.size() : newline + 1);
    std::optional<uint64_t> start = hex_field(line);
    std::optional<uint64_t> size = start ? hex_field(line) : std::nullopt;
    if (!size || *size == 0 || line.empty() || *start + *size < *start) continue;
    uint64_t end = *start + *size;
    // The new code replaces whatever it overlaps.
    auto it = code_.lower_bound(*start);
    if (it != code_.begin() && std::prev(it)->second.end > *start) --it;
    while (it != code_.end() && it->first < end) it = code_.erase(it);
    code_[*start] = {end, std::string(line)};
  }
}

const std::string* JitSymbols::name_of(uint64_t address) const {
  auto it = code_.upper_bound(address);
  if (it == code_.begin()) return nullptr;
  --it;
  return address < it->second.end ? &it->second.name : nullptr;
}

}  // namespace leakrank
