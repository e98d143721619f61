#pragma once

#include <cstdint>
#include <string>

// Spells vocabulary ranks as pronounceable made-up words. Rarer ranks get more
// syllables, as in natural language (frequent words are short), so the long tail
// holds words too long for the small-string buffer.
class SyntheticLexicon {
 public:
  explicit SyntheticLexicon(std::uint64_t seed) : seed_(seed) {}
  void append_word(std::uint64_t rank, std::string& out) const;

 private:
  std::uint64_t seed_;
};
