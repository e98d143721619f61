#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// Consecutive documents handed to one worker, as spaCy's nlp.pipe batches them.
struct Batch {
  std::uint64_t first = 0;  // index of texts[0] in the stream
  std::vector<std::string> texts;
};

// Where documents come from. take() is called from several workers at once.
class DocumentSource {
 public:
  virtual ~DocumentSource() = default;
  // The next `count` documents; fewer (possibly none) once the source runs out.
  virtual Batch take(std::size_t count) = 0;
};
