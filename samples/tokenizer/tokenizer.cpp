#include "tokenizer.h"

#include <algorithm>

namespace {

constexpr std::string_view kPrefixes = "\"'([{";
constexpr std::string_view kSuffixes = "\"')]}.,;:!?";

bool is_one_of(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

}  // namespace

std::vector<std::string> Tokenizer::split(std::string_view text) const {
  std::vector<std::string> tokens;
  while (!text.empty()) {
    const std::size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    const std::size_t end = std::min(text.find(' '), text.size());
    split_word(text.substr(0, end), tokens);
    text.remove_prefix(end);
  }
  return tokens;
}

void Tokenizer::split_word(std::string_view word, std::vector<std::string>& tokens) const {
  for (; word.size() > 1 && is_one_of(word.front(), kPrefixes); word.remove_prefix(1))
    tokens.emplace_back(1, word.front());
  std::size_t suffixes = 0;
  while (suffixes + 1 < word.size() && is_one_of(word[word.size() - 1 - suffixes], kSuffixes)) ++suffixes;
  tokens.emplace_back(word.substr(0, word.size() - suffixes));
  for (const char suffix : word.substr(word.size() - suffixes)) tokens.emplace_back(1, suffix);
}
