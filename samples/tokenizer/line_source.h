#pragma once

#include <cstdint>
#include <istream>
#include <mutex>

#include "document_source.h"

// Real text: one document per line of a stream (a file or stdin).
class LineSource : public DocumentSource {
 public:
  LineSource(std::istream& input, std::uint64_t document_limit);
  Batch take(std::size_t count) override;

 private:
  std::istream& input_;
  std::uint64_t document_limit_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;
};
