#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "document_reader.h"
#include "recent_documents.h"
#include "string_store.h"
#include "summary.h"
#include "tokenizer.h"

// The processing of one document, like spaCy's nlp object: read it, keep a copy
// among the recent ones, split it into tokens and intern them.
class Language {
 public:
  explicit Language(std::size_t max_doc_bytes);

  // Thread-safe. Returns the counts for this one document.
  Summary process(std::string_view text);
  // The fix for the growing store: start over with an empty one. Must not run
  // concurrently with process().
  void reload_strings();
  // Distinct tokens interned, summed over every store so far.
  std::uint64_t unique_tokens() const;

 private:
  static constexpr std::size_t kRecentDocuments = 1000;

  DocumentReader reader_;
  RecentDocuments recent_;
  Tokenizer tokenizer_;
  std::unique_ptr<StringStore> strings_;
  std::uint64_t unique_in_reloaded_stores_ = 0;
};
