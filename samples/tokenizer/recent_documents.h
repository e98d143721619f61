#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// Copies of the last few documents, e.g. to show them when debugging a request.
// Bounded: it fills up at the start of a run, then stays the same size.
class RecentDocuments {
 public:
  explicit RecentDocuments(std::size_t capacity) : slots_(capacity) {}
  void remember(std::string_view text);

 private:
  std::mutex mutex_;
  std::vector<std::string> slots_;
  std::size_t next_ = 0;
};
