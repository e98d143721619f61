#include "analyzer/byte_size.h"

#include <fmt/core.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace leakrank {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

constexpr double kKi = 1024.0;
constexpr std::array kUnits{
    Unit{"", 1},          Unit{"b", 1},
    Unit{"k", kKi},       Unit{"kib", kKi},       Unit{"kb", 1e3},
    Unit{"m", kKi * kKi}, Unit{"mib", kKi * kKi}, Unit{"mb", 1e6},
    Unit{"g", kKi * kKi * kKi}, Unit{"gib", kKi * kKi * kKi}, Unit{"gb", 1e9},
    Unit{"t", kKi * kKi * kKi * kKi}, Unit{"tib", kKi * kKi * kKi * kKi}, Unit{"tb", 1e12},
};

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

uint64_t parse_byte_size(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return std::invalid_argument(fmt::format("invalid size '{}': {}", text, why));
  };
  std::string_view trimmed = trim(text);
  double number = 0;
  auto [rest, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), number);
  if (error != std::errc{} || trimmed.empty() || trimmed.front() == '-' || trimmed.front() == '+')
    throw invalid("expected a number like 123, 500KB, 10MiB or 1G");
  std::string unit = lowercase(trim(std::string_view(rest, trimmed.data() + trimmed.size() - rest)));
  for (const Unit& candidate : kUnits) {
    if (candidate.name != unit) continue;
    double bytes = std::round(number * candidate.factor);
    if (!std::isfinite(bytes) || bytes >= 0x1p64) throw invalid("too large");
    return uint64_t(bytes);
  }
  throw invalid("unknown unit (use B, KB, KiB, K, MB, MiB, M, GB, GiB, G, TB, TiB, T)");
}

std::string format_bytes(double bytes) {
  static constexpr std::array<std::string_view, 6> kNames{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double magnitude = std::fabs(bytes);
  if (magnitude < kKi) return fmt::format("{:.0f} B", bytes);
  size_t unit = 0;
  while (magnitude >= kKi && unit + 1 < kNames.size()) {
    magnitude /= kKi;
    bytes /= kKi;
    ++unit;
  }
  return fmt::format("{:.1f} {}", bytes, kNames[unit]);
}

std::string format_signed_bytes(double bytes) { return (bytes > 0 ? "+" : "") + format_bytes(bytes); }

std::string format_rate(double bytes_per_s) { return format_signed_bytes(bytes_per_s) + "/s"; }

}  // namespace leakrank
