#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

#include "document_source.h"
#include "language.h"
#include "rate_limiter.h"
#include "summary.h"

struct PipelineSettings {
  unsigned threads = 1;
  std::size_t batch_size = 64;
  std::uint64_t reload_every = 0;  // documents per string store; 0: never reload
};

// Shared-memory parallel processing over batches, like spaCy's nlp.pipe: worker
// threads take batches from the source and run them through one Language.
//
// Store reloads happen between "generations" of reload_every documents, once all
// workers are done with one, so each store sees the same documents whatever the
// thread count, and the summary does not depend on it.
class Pipeline {
 public:
  // `pace`, when given, spaces batches out in time and can stop the run.
  Pipeline(DocumentSource& source, Language& language, PipelineSettings settings, RateLimiter* pace = nullptr);
  Summary run();

 private:
  void run_generation();
  void work();
  std::optional<Batch> next_batch();
  bool finished();
  void finish();

  DocumentSource& source_;
  Language& language_;
  PipelineSettings settings_;
  RateLimiter* pace_;

  std::mutex mutex_;
  std::uint64_t left_in_generation_ = 0;
  bool finished_ = false;
  Summary summary_;
};
