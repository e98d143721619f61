#pragma once

#include <string>
#include <string_view>
#include <vector>

// Splits text into tokens on spaces and peels punctuation off the words, a much
// reduced version of spaCy's prefix/suffix rules.
class Tokenizer {
 public:
  std::vector<std::string> split(std::string_view text) const;

 private:
  void split_word(std::string_view word, std::vector<std::string>& tokens) const;
};
