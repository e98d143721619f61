#include "language.h"

#include <string>
#include <vector>

Language::Language(std::size_t max_doc_bytes)
    : reader_(max_doc_bytes), recent_(kRecentDocuments), strings_(std::make_unique<StringStore>()) {}

Summary Language::process(std::string_view text) {
  const std::optional<Document> document = reader_.read(text);
  if (!document) return {.docs = 1, .rejected = 1};
  recent_.remember(document->text());
  const std::vector<std::string> tokens = tokenizer_.split(document->text());
  std::vector<TokenId> ids;
  for (const std::string& token : tokens) ids.push_back(strings_->intern(token));
  return {.docs = 1, .tokens = ids.size()};
}

void Language::reload_strings() {
  unique_in_reloaded_stores_ += strings_->size();
  strings_ = std::make_unique<StringStore>();
}

std::uint64_t Language::unique_tokens() const { return unique_in_reloaded_stores_ + strings_->size(); }
