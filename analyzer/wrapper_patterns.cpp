#include "analyzer/wrapper_patterns.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <system_error>
#include <string_view>

namespace leakrank {
namespace {

std::string_view trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  int error = in ? 0 : errno;
  std::error_code ignored;
  if (in && std::filesystem::is_directory(path, ignored)) error = EISDIR;  // a folder opens, then reads nothing
  if (error != 0) throw std::invalid_argument(fmt::format("cannot read {}: {}", path, std::strerror(error)));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

void check_wrapper_pattern(const std::string& pattern) {
  try {
    std::regex checked(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument(fmt::format("bad regular expression '{}': {}", pattern, e.what()));
  }
}

std::vector<std::string> read_wrapper_patterns(const std::string& path) {
  const std::string text = file_text(path);
  std::vector<std::string> patterns;
  std::string_view rest = text;
  for (size_t line_number = 1; !rest.empty(); ++line_number) {
    const size_t newline = rest.find('\n');
    const std::string_view line = trimmed(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (line.empty() || line.starts_with('#')) continue;
    try {
      check_wrapper_pattern(std::string(line));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}:{}: {}", path, line_number, e.what()));
    }
    patterns.emplace_back(line);
  }
  return patterns;
}

}  // namespace leakrank
