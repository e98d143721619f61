#include "synthetic_lexicon.h"

#include <array>
#include <string_view>

#include "random.h"

namespace {

constexpr std::array<std::string_view, 30> kOnsets = {
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
    "v", "w", "z", "br", "ch", "cl", "dr", "fr", "gr", "pl", "pr", "sh", "st", "th", "tr"};
constexpr std::array<std::string_view, 11> kNuclei = {"a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oo", "ou"};

// One syllable per decimal digit of the rank, plus one for half of the words.
std::uint64_t syllable_count(std::uint64_t rank, Rng& rng) {
  std::uint64_t digits = 1;
  for (; rank >= 10; rank /= 10) ++digits;
  return digits + rng.next() % 2;
}

}  // namespace

void SyntheticLexicon::append_word(std::uint64_t rank, std::string& out) const {
  Rng rng(seed_, rank);
  for (std::uint64_t syllables = syllable_count(rank, rng); syllables > 0; --syllables) {
    const std::uint64_t random = rng.next();  // one draw serves both halves of the syllable
    out += kOnsets[(random & 0xffffffff) % kOnsets.size()];
    out += kNuclei[(random >> 32) % kNuclei.size()];
  }
}
