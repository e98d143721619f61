#include "analyzer/shell_word.h"

#include <algorithm>
#include <cctype>

namespace leakrank {

std::string shell_word(std::string_view word) {
  if (word.starts_with('-')) return shell_quoted("./" + std::string(word));  // not an option of the verb
  return shell_quoted(word);
}

std::string shell_quoted(std::string_view word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._+-/=,:@%").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace leakrank
