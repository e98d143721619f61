#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "document_source.h"
#include "synthetic_lexicon.h"
#include "zipf_sampler.h"

// A deterministic stream of documents whose words follow Zipf's law over a large
// vocabulary, so new words keep turning up for the whole run (Heaps' law).
// Document i depends only on the seed and i, never on which thread made it.
class SyntheticCorpus : public DocumentSource {
 public:
  SyntheticCorpus(std::uint64_t seed, std::uint64_t document_limit);
  Batch take(std::size_t count) override;
  std::string document(std::uint64_t index) const;

 private:
  std::uint64_t seed_;
  std::uint64_t document_limit_;
  SyntheticLexicon lexicon_;
  ZipfSampler zipf_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;
};
