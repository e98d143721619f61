#include "line_source.h"

#include <string>

LineSource::LineSource(std::istream& input, std::uint64_t document_limit)
    : input_(input), document_limit_(document_limit) {}

Batch LineSource::take(std::size_t count) {
  std::lock_guard lock(mutex_);
  Batch batch{.first = next_};
  std::string line;
  while (batch.texts.size() < count && next_ < document_limit_ && std::getline(input_, line)) {
    batch.texts.push_back(std::move(line));
    ++next_;
  }
  return batch;
}
