#include "synthetic_corpus.h"

#include <algorithm>
#include <cctype>

#include "random.h"

namespace {

constexpr std::uint64_t kVocabularySize = 1'500'000;
constexpr double kZipfExponent = 1.1;
// About 2% of documents are pasted logs or books: far longer than the rest.
constexpr std::uint64_t kOverLongOneIn = 50;

struct Length {
  std::uint64_t min_words, max_words;
};
constexpr Length kUsual{40, 350};  // about 50-400 tokens with punctuation
constexpr Length kOverLong{1200, 2400};

}  // namespace

SyntheticCorpus::SyntheticCorpus(std::uint64_t seed, std::uint64_t document_limit)
    : seed_(seed), document_limit_(document_limit), lexicon_(seed), zipf_(kVocabularySize, kZipfExponent) {}

Batch SyntheticCorpus::take(std::size_t count) {
  Batch batch;
  {
    std::lock_guard lock(mutex_);
    batch.first = next_;
    next_ += std::min<std::uint64_t>(count, document_limit_ - next_);
    count = next_ - batch.first;
  }
  // Generated outside the lock: workers write their documents in parallel.
  for (std::uint64_t index = batch.first; index < batch.first + count; ++index)
    batch.texts.push_back(document(index));
  return batch;
}

std::string SyntheticCorpus::document(std::uint64_t index) const {
  Rng rng(seed_, index);
  const Length length = rng.one_in(kOverLongOneIn) ? kOverLong : kUsual;
  const std::uint64_t words = rng.between(length.min_words, length.max_words);
  std::string text;
  bool sentence_start = true;
  for (std::uint64_t word = 0; word < words; ++word) {
    if (word > 0) text += ' ';
    const std::size_t word_start = text.size();
    lexicon_.append_word(zipf_.sample(rng), text);
    if (sentence_start) text[word_start] = static_cast<char>(std::toupper(text[word_start]));
    sentence_start = rng.one_in(12) || word + 1 == words;
    if (sentence_start) text += '.';
    else if (rng.one_in(10)) text += ',';
  }
  return text;
}
