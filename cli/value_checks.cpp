#include "cli/value_checks.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

namespace leakrank::cli {
namespace {

// value parses as a whole T, from its first character to its last.
template <typename T>
bool parse_all(const std::string& text, T& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

CLI::Validator number_in(double min, double max) {
  auto check = [min, max](std::string& text) {
    double value = 0;
    if (parse_all(text, value) && std::isfinite(value) && value >= min && value <= max) return std::string();
    return fmt::format("expected a number from {} to {}, got '{}'", min, max, text);
  };
  return CLI::Validator(check, fmt::format("{}..{}", min, max));
}

CLI::Validator whole_number_in(int64_t min, int64_t max) {
  auto check = [min, max](std::string& text) {
    int64_t value = 0;
    if (parse_all(text, value) && value >= min && value <= max) return std::string();
    return fmt::format("expected a whole number from {} to {}, got '{}'", min, max, text);
  };
  return CLI::Validator(check, fmt::format("{}..{}", min, max));
}

CLI::Validator parsed_by(std::function<void(const std::string&)> parse) {
  auto check = [parse = std::move(parse)](std::string& text) {
    try {
      parse(text);
      return std::string();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
  };
  return CLI::Validator(check, "");
}

}  // namespace leakrank::cli
