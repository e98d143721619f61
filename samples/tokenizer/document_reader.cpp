#include "document_reader.h"

#include <algorithm>

namespace {

// Tabs, carriage returns and other control characters become spaces, so the
// tokenizer only has to split on ' '.
char normalize(char c) { return static_cast<unsigned char>(c) < ' ' ? ' ' : c; }

}  // namespace

std::optional<Document> DocumentReader::read(std::string_view text) const {
  char* const buffer = new char[text.size()];
  std::transform(text.begin(), text.end(), buffer, normalize);
  if (text.size() > max_bytes_) {
    // The bug, kept on purpose: "text too long" returns before anything owns
    // the buffer, so every rejected document leaks its copy.
    return std::nullopt;
  }
  return Document(std::unique_ptr<char[]>(buffer), text.size());
}
