#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

// A document's text, normalized into a buffer of its own.
class Document {
 public:
  Document(std::unique_ptr<char[]> bytes, std::size_t size) : bytes_(std::move(bytes)), size_(size) {}
  std::string_view text() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_;
};

// Admits documents into the pipeline; rejects the ones over the size limit.
class DocumentReader {
 public:
  static constexpr std::string_view kTooLong = "text too long";

  explicit DocumentReader(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  // The normalized document, or nullopt when it is rejected (kTooLong).
  std::optional<Document> read(std::string_view text) const;

 private:
  std::size_t max_bytes_;
};
